// Shared set-up for the conformance tests: points the vendor's generated
// client at the fake and gives each test file its own org, so files that
// node runs in parallel never see each other's data.
import assert from 'node:assert/strict';
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

