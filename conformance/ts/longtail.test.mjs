// The long tail through the vendor's generated client: every operation the
// fake synthesizes, called with the client's own method (found by its
// method and URL template), with the arguments the Go side planned from the
// document (IBLFAKE_TAIL_PLAN). The fake validates every answer against its
// schema (the Go test's NewTestServer), so a 2xx here is a body the
// client's types describe. Also the one long-tail operation made stateful,
// GET /api/core/platform/users/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as API from '@iblai/iblai-api';
import { useFake, newOrg, seedDirectory, clientMethods } from './support.mjs';

test('every synthesized operation answers the vendor client with a 2xx', async () => {
  useFake();
  const plan = JSON.parse(readFileSync(process.env.IBLFAKE_TAIL_PLAN, 'utf8'));
  const methods = clientMethods();
  const failures = [];
  const cannot = [];
  let called = 0;
  for (const op of plan) {
    const cm = methods.get(`${op.method} ${op.path}`);
    if (!cm) {
      cannot.push(`${op.id}: the client has no method for ${op.method} ${op.path}`);
      continue;
    }
    if (cm.body === 'form') {
      cannot.push(`${op.id}: a form or file upload`);
      continue;
    }
    const args = {};
    for (const [k, v] of Object.entries(op.path_params ?? {})) args[cm.names[k] ?? k] = v;
    for (const [k, vs] of Object.entries(op.query ?? {})) args[cm.names[k] ?? k] = vs.length === 1 ? vs[0] : vs;
    if (op.body !== undefined && op.body !== null && cm.body === 'json') args.requestBody = op.body;
    try {
      await cm.call(args);
      called++;
    } catch (err) {
      if (op.absent && err.status === 404 && err.body?.detail === 'Not found.') {
        called++; // DRF's answer for an item no create made
        continue;
      }
      if (op.declared && err.status === op.declared) {
        called++; // the one answer its document declares (no 2xx: SCIM's user DELETE is a 405)
        continue;
      }
      failures.push(`${op.id} (${cm.name}): ${err.status ?? err} ${JSON.stringify(err.body ?? '').slice(0, 200)}`);
    }
  }
  assert.deepEqual(failures, [], `${failures.length} of ${plan.length} synthesized operations failed`);
  console.log(`the vendor client called ${called} of ${plan.length} synthesized operations; ${cannot.length} it cannot express:\n  ${cannot.join('\n  ')}`);
  assert.ok(called > 1000, `only ${called} called`);
});

test('platform users (core_platform_users_retrieve): the directory, filtered and paged', async () => {
  useFake();
  const org = newOrg('users');
  await seedDirectory(org, {
    users: [
      { user_id: 1, username: 'ada', email: 'ada@x.test', name: 'Ada Lovelace' },
      { user_id: 2, username: 'bob', email: 'bob@x.test', name: 'Bob' },
      { user_id: 3, username: 'cy', email: 'cy@x.test', name: 'Cy' },
    ],
  });
  const page = await API.CoreService.corePlatformUsersRetrieve({ platformKey: org, pageSize: 2 });
  assert.equal(page.count, 3);
  assert.deepEqual(page.results.map((u) => u.username), ['ada', 'bob']);
  assert.equal(page.next_page, 2);
  assert.equal(page.previous_page, null);
  const found = await API.CoreService.corePlatformUsersRetrieve({ platformKey: org, query: 'LOVELACE' });
  assert.deepEqual(found.results.map((u) => [u.username, u.email, u.platform_key]), [['ada', 'ada@x.test', org]]);
  const sorted = await API.CoreService.corePlatformUsersRetrieve({ platformKey: org, sort: '-username' });
  assert.deepEqual(sorted.results.map((u) => u.username), ['cy', 'bob', 'ada']);
});
