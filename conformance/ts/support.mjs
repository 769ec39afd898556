// Shared set-up for the conformance tests: points the vendor's generated
// client at the fake and gives each test file its own org, so files that
// node runs in parallel never see each other's data.
import assert from 'node:assert/strict';
import * as API from '@iblai/iblai-api';
import { ApiError, OpenAPI } from '@iblai/iblai-api';

export const API_KEY = 'test-key';

/** useFake points the generated client at the fake with an Api-Token key. */
export function useFake() {
  const base = process.env.IBLFAKE_URL;
  if (!base) {
    throw new Error('IBLFAKE_URL is not set: run these tests with `go test ./conformance/`');
  }
  OpenAPI.BASE = base;
  OpenAPI.TOKEN = undefined;
  OpenAPI.HEADERS = { Authorization: `Api-Token ${API_KEY}` };
}

/** newOrg returns an org (platform key) no other test uses. */
export function newOrg(label) {
  newOrg.n = (newOrg.n ?? 0) + 1;
  return `conf-${label}-${process.pid}-${newOrg.n}`;
}

/** ok is the status block of a successful wrapped answer. */
export const ok = (description) => ({ success: true, description });

/**
 * rejectsWith asserts that the client call fails with the generated
 * client's ApiError carrying status and, when a body is given (undefined
 * included: an empty answer), exactly that body.
 */
export async function rejectsWith(call, status, ...body) {
  await assert.rejects(call, (err) => {
    assert.ok(err instanceof ApiError, `want ApiError, got ${err}`);
    assert.equal(err.status, status, `status of ${err.url}`);
    if (body.length > 0) {
      assert.deepEqual(err.body, body[0]);
    }
    return true;
  });
}

/** assertPage checks the DRF page-number envelope around data. */
export function assertPage(page, { count, maxPageSize, pageNumber = 1 }) {
  assert.deepEqual(
    Object.keys(page).sort(),
    ['count', 'data', 'max_page_size', 'next', 'num_pages', 'page_number', 'previous'],
  );
  assert.equal(page.count, count);
  assert.equal(page.max_page_size, maxPageSize);
  assert.equal(page.page_number, pageNumber);
  assert.ok(Array.isArray(page.data), 'data is an array');
}


/**
 * send makes a request the generated client cannot express (the fake's
 * admin surface, a parameter the document never declares) with the test
 * key, and returns its status and parsed JSON body (undefined when empty).
 */
export async function send(method, path, body) {
  const headers = { Authorization: `Api-Token ${API_KEY}` };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(body);
  }
  const res = await fetch(OpenAPI.BASE + path, { method, headers, body });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/**
 * seedDirectory replaces a platform's users and groups through the fake's
 * admin surface (PUT /_fake/groups): they live in services the vendor API
 * does not cover, so no generated method can make them.
 */
export async function seedDirectory(platformKey, { users = [], groups = [] }) {
  const res = await send('PUT', '/_fake/groups', { platform_key: platformKey, users, groups });
  assert.equal(res.status, 200, `PUT /_fake/groups: ${JSON.stringify(res.body)}`);
}

/**
 * withoutAuth runs call with the generated client sending no
 * Authorization header (for the public endpoints). Tests in one file run
 * one after another, so the global client config is safe to flip.
 */
export async function withoutAuth(call) {
  const headers = OpenAPI.HEADERS;
  OpenAPI.HEADERS = undefined;
  try {
    return await call();
  } finally {
    OpenAPI.HEADERS = headers;
  }
}

/** timestamp matches a DRF date-time: UTC, "Z", microseconds when any. */
export const timestamp = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?Z$/;

/**
 * assertCatalogPage checks the catalog list envelope: count, both pairs of
 * link keys (next/previous and the spec's next_page/previous_page, which
 * agree; FIDELITY.md, catalog-page-links) and results. It returns the results.
 */
export function assertCatalogPage(env, { count, next = null, previous = null }) {
  assert.deepEqual(Object.keys(env).sort(), ['count', 'next', 'next_page', 'previous', 'previous_page', 'results']);
  assert.equal(env.count, count, 'count');
  assert.ok(Array.isArray(env.results), 'results is an array');
  for (const [link, want] of [['next', next], ['previous', previous]]) {
    if (want === null) {
      assert.equal(env[link], null, link);
    } else {
      assert.match(env[link], want, link);
    }
  }
  assert.equal(env.next_page, env.next, 'next_page = next');
  assert.equal(env.previous_page, env.previous, 'previous_page = previous');
  return env.results;
}

/**
 * clientMethods indexes the client's static methods by "METHOD url": the
 * generated source names the request's method and URL, and maps each API
 * parameter name to the method's argument ('user_id': userId).
 */
export function clientMethods() {
  const out = new Map();
  for (const [name, svc] of Object.entries(API)) {
    if (!name.endsWith('Service') || typeof svc !== 'function') continue;
    for (const m of Object.getOwnPropertyNames(svc)) {
      const fn = svc[m];
      if (typeof fn !== 'function') continue;
      const src = fn.toString();
      const head = src.match(/method: '(\w+)',\s*url: '([^']+)'/);
      if (!head) continue;
      const names = {};
      for (const [, api, arg] of src.matchAll(/'([^']+)': (\w+)/g)) names[api] = arg;
      const body = /body: requestBody/.test(src) ? 'json' : /formData: formData/.test(src) ? 'form' : null;
      out.set(`${head[1]} ${head[2]}`, { call: (args) => svc[m](args), name: `${name}.${m}`, names, body });
    }
  }
  return out;
}

