// The data layer as an app configures it (initializeDataLayer with a
// storage holding the tokens, one Redux store of every slice), with every
// request it makes counted and held to the fake.
import * as DL from '@iblai/data-layer';
import { configureStore } from '@reduxjs/toolkit';

export { DL };

/** FAKE is the fake's base URL; nothing else may be reached. */
export const FAKE = process.env.IBLFAKE_URL;
if (!FAKE) {
  throw new Error('IBLFAKE_URL is not set: run the harness with `go test ./conformance/frontend/`');
}
const ORIGIN = new URL(FAKE).origin;

/** TOKEN is the key the app holds (dm_token, axd_token). */
export const TOKEN = process.env.IBLFAKE_FRONTEND_KEY || 'frontend-demo-key';

/**
 * slices are every RTK Query slice of the package, by export name, the
 * projects slice (which it builds but does not export) through
 * expose-hooks.mjs.
 */
export const slices = Object.fromEntries([
  ...Object.entries(DL).filter(([k, v]) => k.endsWith('ApiSlice') && !k.startsWith('__') && v?.endpoints),
  ['projectsApiSlice', DL.__projectsApiSlice],
]);

/** traffic counts what the data layer sent: to the fake, and refused; lastError is the last 4xx/5xx body. */
export const traffic = { sent: 0, refused: [], lastError: undefined };

const realFetch = globalThis.fetch;

/**
 * guardFetch replaces the global fetch the data layer uses (RTK's
 * fetchBaseQuery, the bundled client, its hand-written calls all call the
 * global at request time): a request to any host but the fake is refused
 * here, before any network, so nothing reaches the vendor's production
 * services; the rest is counted and sent.
 */
export function guardFetch() {
  globalThis.fetch = async (input, init) => {
    const href = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const url = new URL(href);
    if (url.origin !== ORIGIN) {
      traffic.refused.push(url.href);
      throw new TypeError(`refused by the harness: ${url.origin} is not the fake`);
    }
    traffic.sent++;
    const res = await realFetch(input, init);
    if (res.status >= 400) {
      // What the fake said, for the report (fetchBaseQuery's slices hand
      // the component an empty error).
      traffic.lastError = await res.clone().text().catch(() => '');
    }
    return res;
  };
}

/** fakeFetch reaches the fake directly (its admin surface, a URL the UI follows), uncounted. */
export function fakeFetch(path, init) {
  return realFetch(new URL(path, FAKE), init);
}

/**
 * memoryStorage is the data layer's StorageService over a Map, as an
 * app's localStorage wrapper: getItem, setItem, removeItem, all async.
 */
export function memoryStorage(initial = {}) {
  const m = new Map(Object.entries(initial));
  return {
    map: m,
    async getItem(k) { return m.has(k) ? m.get(k) : null; },
    async setItem(k, v) { m.set(k, v); },
    async removeItem(k) { m.delete(k); },
  };
}

/**
 * configure initializes the data layer as an app does, with lmsUrl
 * (the fake itself when it serves the LMS, else a host the guard refuses),
 * and returns one store of every slice. The slices' fetchBaseQuery retries
 * (RTK Query's retry, maxRetries 3, a backoff of 0.4-1.4 s, 0.8-2.8 s and
 * 1.6-5.6 s) are kept, so each refused request is still sent four times as
 * an app sends it, but their backoff is zero: RTK's own enhanceEndpoints
 * sets extraOptions.backoff on every endpoint, which retry() reads after
 * its defaults.
 */
export function configure({ lmsUrl, storage }) {
  DL.initializeDataLayer(FAKE, lmsUrl, storage, {});
  const reducer = {};
  const middleware = [];
  for (const s of Object.values(slices)) {
    s.enhanceEndpoints({
      endpoints: Object.fromEntries(Object.keys(s.endpoints).map((name) => [name, (def) => {
        def.extraOptions = { ...def.extraOptions, backoff: async () => {} };
      }])),
    });
    reducer[s.reducerPath] = s.reducer;
    middleware.push(s.middleware);
  }
  return configureStore({
    reducer,
    middleware: (gdm) => gdm({ serializableCheck: false, immutableCheck: false }).concat(middleware),
  });
}

/** isQuery reports whether ep is a query (RTK's React module gives it useQuery), not a mutation. */
export const isQuery = (ep) => typeof ep.useQuery === 'function';

/** journal returns the fake's last n journal entries, oldest first. */
export async function journal(n) {
  const res = await fakeFetch(`/_fake/requests?limit=${n}`);
  const body = await res.json();
  return (body.requests ?? []).slice(-n);
}

/**
 * dispatch runs one endpoint through the store (a query always refetched,
 * a mutation) and returns what the component gets (data, error), what
 * failed outside RTK (thrown), the requests it made, as the fake's journal
 * recorded them, and the URLs the guard refused.
 */
export async function dispatch(store, sliceName, name, args) {
  const ep = slices[sliceName].endpoints[name];
  const sent = traffic.sent;
  const refused = traffic.refused.length;
  let res;
  let thrown;
  try {
    const p = isQuery(ep)
      ? store.dispatch(ep.initiate(args, { forceRefetch: true, subscribe: false }))
      : store.dispatch(ep.initiate(args));
    res = await p;
  } catch (e) {
    thrown = e;
  }
  const n = traffic.sent - sent;
  return {
    data: res?.data,
    error: res?.error,
    thrown,
    requests: n > 0 ? await journal(n) : [],
    refused: traffic.refused.slice(refused),
  };
}
