// run.mjs endpoints|flows: the data layer against the fake at
// IBLFAKE_URL. "endpoints" dispatches every endpoint of every slice
// (reads, reads of the ids they gave, creates, updates and reads of what
// was created, deletes), classifies each by what its consumer reads, and
// prints the counts; "flows" replays the UI flows (flows.mjs). Both write
// IBLFAKE_RESULTS (JSON), which ../frontend_test.go checks against
// ../expected.json.
import fs from 'node:fs';
import { check } from './checks.mjs';
import { DL, FAKE, TOKEN, configure, dispatch, fakeFetch, guardFetch, isQuery, memoryStorage, slices, traffic } from './dl.mjs';
import { ENDPOINTS } from './endpoints.mjs';
import { FLOWS } from './flows.mjs';
import { builtOn, describe, planFor } from './plan.mjs';

const mode = process.argv[2];
if (mode !== 'endpoints' && mode !== 'flows') {
  throw new Error('usage: node --import ./expose.mjs run.mjs endpoints|flows');
}

// The vendor's code logs as it goes (RTK's "An unhandled error occurred
// processing a request", the components' console.log); the harness
// reports on stdout alone.
const say = (line) => process.stdout.write(`${line}\n`);
const logged = { error: 0, warn: 0, log: 0 };
for (const k of Object.keys(logged)) {
  console[k] = () => { logged[k]++; };
}

// lmsUrl: the fake itself when it serves the LMS endpoints the app boots
// with (fake.WithLMS), else a name that never resolves, which the fetch
// guard refuses before any lookup.
const LMS = process.env.IBLFAKE_LMS === '1' ? FAKE : 'http://lms.invalid';

guardFetch();
const storage = memoryStorage({
  dm_token: TOKEN,
  axd_token: TOKEN,
  // The LMS token: the key too, which the fake's LMS takes once keys are
  // bound (a token of 30 characters or fewer goes as "Bearer").
  edx_jwt_token: TOKEN,
  tenant: 'demo',
  current_tenant: JSON.stringify({ key: 'demo', org: 'demo', is_admin: true }),
  userData: JSON.stringify({ user_id: 1, user_nicename: 'admin', user_email: 'admin@demo.example.com' }),
});
const store = configure({ lmsUrl: LMS, storage });

/** c is the run's context: the tenant, the user, and the ids answers gave. */
const c = {
  org: 'demo', user: 'admin', learner: 'admin', learnerEmail: 'admin@demo.example.com', run: 'h1',
  storage, store, lms: LMS,
};

// Query parameters that name the tenant: the request's own.
const TENANT_QUERY = new Set(['platform_key', 'org', 'key', 'tenant']);

/** pathValue is a generated method's path parameter, by its name on the wire. */
function pathValue(wire, plan, cx) {
  if (['org', 'platform_key', 'key', 'platform_org'].includes(wire)) return cx.org;
  if (['user_id', 'username', 'user'].includes(wire)) return cx.user;
  if (['mentor', 'mentor_id', 'mentor_unique_id', 'pathway'].includes(wire) && cx.mentor) return cx.mentor;
  if (wire === 'session_id' && cx.session) return cx.session;
  if (wire === 'report_name' && cx.reportName) return cx.reportName;
  if (wire === 'course_id' && cx.course) return cx.course;
  return plan?.path_params?.[wire] ?? '1';
}

/**
 * argsOf builds an endpoint's arguments: the entry's own, else, for one
 * built on the bundled generated client, from its method (path and
 * required query parameters, body) and the plan's sample request for
 * that operation, with the entry's with() over them.
 */
function argsOf(sliceName, name, entry) {
  if (entry.args) return entry.args(c);
  const b = builtOn(sliceName, name);
  if (!b.service) return {};
  const d = describe(DL[`__${b.service}`][b.method]);
  const plan = planFor(d.method, d.url);
  const args = {};
  for (const p of d.path) args[p.arg] = pathValue(p.wire, plan, c);
  for (const q of d.query) {
    const v = plan?.query?.[q.wire];
    if (TENANT_QUERY.has(q.wire)) args[q.arg] = c.org;
    else if (v !== undefined) args[q.arg] = v.length > 1 ? v : v[0];
  }
  if (d.body && plan?.body !== undefined) args.requestBody = structuredClone(plan.body);
  if (d.formData) args.formData = structuredClone(plan?.body ?? {});
  Object.assign(args, entry.with?.(c));
  return b.kind === 'legacy' ? [args] : args;
}

/** phaseOf orders an endpoint: 1 reads, 2 reads of harvested ids, 3 creates, 4 updates, 5 deletes. */
function phaseOf(name, entry, ep) {
  if (entry.phase) return entry.phase;
  if (isQuery(ep)) return 1;
  if (/^(delete|remove|revoke|unPin)/.test(name)) return 5;
  if (/^(create|add|invite|upload|fork|join|export|audioToText)/.test(name)) return 3;
  return 4;
}

/** follow loads a URL the UI loads itself (an <img src>) and says what is wrong with it. */
async function follow(url, as) {
  let u;
  try {
    u = new URL(url);
  } catch {
    return [`the URL the UI loads is not one: ${JSON.stringify(url)}`];
  }
  if (u.origin !== new URL(FAKE).origin) return [`the URL the UI loads leaves the fake: ${url}`];
  const res = await fakeFetch(u.pathname + u.search);
  const type = res.headers.get('content-type') ?? '';
  await res.arrayBuffer();
  if (!res.ok) return [`the URL the UI loads answers ${res.status}`];
  if (as === 'image' && !type.startsWith('image/')) return [`the URL the UI loads as an image answers ${type || 'no type'}`];
  return [];
}

/** classify says what an endpoint's consumer gets (README.md, "Classes"). */
async function classify(rec, entry) {
  const last = rec.requests.at(-1);
  if (!last) {
    if (rec.refused.length) return { class: 'error', reasons: [`the data layer reached ${rec.refused[0]}, not the fake`] };
    if (rec.thrown || rec.error) return { class: 'error', reasons: [`the data layer failed before any request: ${errText(rec)}`] };
  } else {
    const said = rec.lastError ? `: ${rec.lastError.slice(0, 200)}` : '';
    if (!last.operation_id || last.status === 405 || last.status === 501) {
      return { class: 'missing', reasons: [`${last.method} ${last.path} answered ${last.status}${last.operation_id ? '' : ' (no operation routed)'}${said}`] };
    }
    if (last.status >= 500) return { class: 'error', reasons: [`${last.status}${said}`] };
    if (last.status >= 400) return { class: 'refused', reasons: [`${last.status}${said}`] };
    if (rec.thrown || rec.error) return { class: 'error', reasons: [`the data layer failed after a ${last.status}: ${errText(rec)}`] };
  }
  const reasons = check(entry.reads, rec.data, c);
  if (entry.follow && typeof rec.data === 'string') reasons.push(...await follow(rec.data, entry.follow.as));
  return reasons.length ? { class: 'weak', reasons } : { class: 'works', reasons: [] };
}

function errText(rec) {
  const e = rec.thrown ?? rec.error;
  return typeof e === 'object' ? JSON.stringify(e).slice(0, 200) : String(e);
}

/** runEndpoint dispatches one endpoint and classifies it. */
export async function runEndpoint(sliceName, name) {
  const entry = ENDPOINTS[sliceName]?.[name] ?? {};
  const ep = slices[sliceName].endpoints[name];
  const args = argsOf(sliceName, name, entry);
  traffic.lastError = undefined;
  const rec = await dispatch(store, sliceName, name, args);
  rec.lastError = traffic.lastError;
  const out = {
    id: `${sliceName}.${name}`,
    kind: isQuery(ep) ? 'query' : 'mutation',
    built: builtOn(sliceName, name).kind,
    consumer: entry.consumer,
    requests: rec.requests.map((r) => ({ method: r.method, path: r.path, query: r.query, status: r.status, operation_id: r.operation_id, tier: r.tier })),
  };
  if (entry.lms) {
    const last = rec.requests.at(-1);
    out.class = 'lms';
    out.reasons = [last ? `${last.method} ${last.path} answered ${last.status}` : `not answered: ${rec.refused[0] ?? errText(rec)}`];
    out.lms_answered = Boolean(last && last.status < 400 && !rec.error && !rec.thrown);
    return out;
  }
  Object.assign(out, await classify(rec, entry));
  if (out.class === 'works' || out.class === 'weak') {
    try {
      entry.harvest?.(rec.data, c);
    } catch (e) {
      out.reasons.push(`harvest: ${e.message}`);
    }
  }
  return out;
}

async function runEndpoints() {
  const all = [];
  for (const [sliceName, s] of Object.entries(slices)) {
    for (const name of Object.keys(s.endpoints)) {
      if (!ENDPOINTS[sliceName]?.[name]) throw new Error(`endpoints.mjs has no entry for ${sliceName}.${name}`);
      all.push({ sliceName, name, phase: phaseOf(name, ENDPOINTS[sliceName][name], s.endpoints[name]) });
    }
  }
  for (const [sliceName, es] of Object.entries(ENDPOINTS)) {
    for (const name of Object.keys(es)) {
      if (!slices[sliceName]?.endpoints[name]) throw new Error(`endpoints.mjs names ${sliceName}.${name}, which the data layer has not`);
    }
  }
  all.sort((a, b) => a.phase - b.phase);
  const out = [];
  for (const e of all) {
    const r = await runEndpoint(e.sliceName, e.name);
    r.phase = e.phase;
    out.push(r);
  }
  out.sort((a, b) => a.id.localeCompare(b.id));
  const counts = { works: 0, weak: 0, refused: 0, missing: 0, error: 0, lms: 0, lms_answered: 0 };
  for (const r of out) {
    counts[r.class]++;
    if (r.lms_answered) counts.lms_answered++;
  }
  counts.total = out.length - counts.lms;
  say(`frontend: ${counts.works} works, ${counts.weak} weak, ${counts.refused} refused, ${counts.missing} missing, ${counts.error} errors of ${counts.total} data-manager endpoints; LMS: ${counts.lms_answered} of ${counts.lms} answered`);
  for (const r of out.filter((x) => x.class !== 'works' && x.class !== 'lms')) {
    say(`  ${r.class.padEnd(8)} ${r.id}: ${r.reasons.join('; ').slice(0, 300)}`);
  }
  return { counts, endpoints: out };
}

const started = Date.now();
let result;
if (mode === 'endpoints') {
  result = await runEndpoints();
} else {
  // What the app knows before any flow: a learner of the tenant, a course
  // and a program its invitations name.
  for (const [sliceName, name] of [['platformApiSlice', 'platformUsers'], ['catalogApiSlice', 'getCatalogInvitationsCourse'], ['catalogApiSlice', 'getCatalogInvitationsProgram']]) {
    await runEndpoint(sliceName, name);
  }
  const flows = [];
  for (const f of FLOWS) {
    const steps = [];
    let failedAt = '';
    try {
      await f.run({ ...c, FAKE, store, storage, dispatch: (s, n, a) => dispatch(store, s, n, a), step: (name, ok, detail) => {
        steps.push({ name, ok, detail });
        if (!ok) throw new Error(`${name}: ${detail}`);
      } });
    } catch (e) {
      failedAt = e.message;
    }
    flows.push({ name: f.name, component: f.component, passes: !failedAt, failed_at: failedAt, steps });
    say(`  ${failedAt ? 'FAIL' : 'pass'} ${f.name}${failedAt ? `: ${failedAt.slice(0, 300)}` : ''}`);
  }
  const passed = flows.filter((f) => f.passes).length;
  say(`frontend: ${passed} of ${flows.length} flows end to end`);
  result = { flows };
}
result.took_ms = Date.now() - started;
result.vendor_logged = logged;
result.refused_hosts = [...new Set(traffic.refused.map((u) => new URL(u).origin))];
fs.writeFileSync(process.env.IBLFAKE_RESULTS ?? 'results.json', `${JSON.stringify(result, null, 2)}\n`);
// RTK Query keeps unused cache entries for 60 s (keepUnusedDataFor), on
// timers that would hold the process that long after the run.
process.exit(0);
