// The operations' sample requests (written by ../plan_test.go from the
// fake's documents) and the arguments the data layer's generated-client
// endpoints take, derived from the bundled client's own methods.
import fs from 'node:fs';
import { createRequire } from 'node:module';

// Without IBLFAKE_PLAN (a run by hand) the generated-client endpoints go
// without the sample bodies and query parameters.
const calls = process.env.IBLFAKE_PLAN ? JSON.parse(fs.readFileSync(process.env.IBLFAKE_PLAN, 'utf8')) : [];

/** byID are the plan's calls by operationId. */
export const byID = new Map(calls.map((c) => [c.id, c]));

const key = (method, template) => `${method} ${template.replace(/\{[^}]+\}/g, '{}').replace(/\/$/, '')}`;
const byShape = new Map();
for (const c of calls) {
  byShape.set(key(c.method, c.path), c);
}

/** planFor is the plan's call for method and a URL template (any parameter names, a trailing slash or not). */
export function planFor(method, template) {
  return byShape.get(key(method, template));
}

const bundle = fs.readFileSync(createRequire(import.meta.url).resolve('@iblai/data-layer').replace(/index\.js$/, 'index.esm.js'), 'utf8');

/**
 * builtOn tells how an endpoint reaches the network, read from the
 * bundle's source: "client" (buildEndpointFromDmService over a bundled
 * *Service method), "legacy" (the same, positional arguments), "axd"
 * (the same on the AXD service), "fetch" (a closure with its own fetch),
 * "queryFn" or "fbq" (RTK's fetchBaseQuery); service and method name the
 * generated method.
 */
export function builtOn(sliceName, endpoint) {
  const start = bundle.indexOf(`const ${sliceName} = createApi(`);
  const block = bundle.slice(start, bundle.indexOf('\n});', start));
  const at = block.search(new RegExp(`\\b${endpoint}:\\s*builder\\.`));
  const def = block.slice(at, at + 240);
  const m = def.match(/buildEndpointFrom(DmServiceLegacy|DmService|AxdService)\((\w+)\.(\w+)\)/);
  if (m) {
    return { kind: { DmServiceLegacy: 'legacy', DmService: 'client', AxdService: 'axd' }[m[1]], service: m[2], method: m[3] };
  }
  if (def.includes('buildEndpointFromService(')) return { kind: 'fetch' };
  if (def.includes('queryFn')) return { kind: 'queryFn' };
  return { kind: 'fbq' };
}

/**
 * describe reads a bundled generated method's request: its HTTP method,
 * URL template, and which argument fills each path and query parameter,
 * the body and the form.
 */
export function describe(fn) {
  const s = fn.toString();
  const block = (name) => {
    const m = s.match(new RegExp(`\\b${name}: \\{([^}]*)\\}`));
    return m ? [...m[1].matchAll(/'([^']+)': (\w+)/g)].map((x) => ({ wire: x[1], arg: x[2] })) : [];
  };
  return {
    method: s.match(/method: '(\w+)'/)[1],
    url: s.match(/url: '([^']+)'/)[1],
    path: block('path'),
    query: block('query'),
    body: /\bbody: requestBody\b/.test(s),
    formData: /\bformData: formData\b/.test(s),
  };
}
