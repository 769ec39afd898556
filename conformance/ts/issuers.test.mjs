// Issuer and authority operations through the vendor's generated client.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { CredentialsService as Credentials, OpenAPI } from '@iblai/iblai-api';
import { assertPage, newOrg, ok, rejectsWith, useFake } from './support.mjs';

const userId = 'admin';

before(useFake);

/** createIssuer creates an issuer through the client and returns it. */
async function createIssuer(org, requestBody) {
  const res = await Credentials.credentialsOrgsUsersIssuersCreate({ org, userId, requestBody });
  return res.result;
}

test('issuers create (credentials_orgs_users_issuers_create) answers {status: Created, result: issuer}', async () => {
  const org = newOrg('issuers');
  // The generated method declares q as a required query parameter (a
  // generator artefact of the list view); leaving it undefined omits it.
  const res = await Credentials.credentialsOrgsUsersIssuersCreate({
    org,
    userId,
    requestBody: { name: 'Acme Academy', url: 'https://acme.example', allowed_template_tags: ['course'] },
  });
  assert.deepEqual(res.status, ok('Created'));
  const is = res.result;
  assert.equal(typeof is.entityId, 'string');
  assert.ok(is.entityId.length > 0);
  assert.deepEqual(is, {
    name: 'Acme Academy',
    org,
    entityId: is.entityId,
    signatories: [],
    url: 'https://acme.example',
    iconImage: null,
    allowed_template_tags: ['course'],
  });
});

test('issuers list (credentials_orgs_users_issuers_retrieve) answers a wrapped page, q filters by name', async () => {
  const org = newOrg('issuers');
  const a = await createIssuer(org, { name: 'Alpha School' });
  const b = await createIssuer(org, { name: 'Beta Institute' });

  const all = await Credentials.credentialsOrgsUsersIssuersRetrieve({ org, userId });
  assert.deepEqual(all.status, ok('Ok'));
  assertPage(all.result, { count: 2, maxPageSize: 1000 });
  assert.equal(all.result.next, null);
  assert.equal(all.result.previous, null);
  assert.deepEqual(all.result.data.map((i) => i.entityId).sort(), [a.entityId, b.entityId].sort());

  const some = await Credentials.credentialsOrgsUsersIssuersRetrieve({ org, userId, q: 'beta' });
  assertPage(some.result, { count: 1, maxPageSize: 1000 });
  assert.deepEqual(some.result.data, [b]);
  // page and page_size (correction issuer-list-q-optional) are not declared
  // in the vendor document, so the generated method cannot send them.
});

test('issuers detail (credentials_orgs_users_issuers_retrieve_2) answers an array holding the issuer', async () => {
  const org = newOrg('issuers');
  const is = await createIssuer(org, { name: 'Detail Org' });
  const res = await Credentials.credentialsOrgsUsersIssuersRetrieve2({ org, userId, entityId: is.entityId });
  assert.ok(Array.isArray(res));
  assert.deepEqual(res, [is]);

  // Looked up by org key (as the vendor's quickstarts do), it answers every
  // issuer of the org.
  const other = await createIssuer(org, { name: 'Second Org Issuer' });
  const byOrg = await Credentials.credentialsOrgsUsersIssuersRetrieve2({ org, userId, entityId: org });
  assert.deepEqual(byOrg.map((i) => i.entityId).sort(), [is.entityId, other.entityId].sort());
});

test('issuers update (credentials_orgs_users_issuers_update) answers an array holding the updated issuer', async () => {
  const org = newOrg('issuers');
  const is = await createIssuer(org, { name: 'Old Name' });
  const res = await Credentials.credentialsOrgsUsersIssuersUpdate({
    org,
    userId,
    entityId: is.entityId,
    requestBody: { name: 'New Name', iconImage: 'https://acme.example/icon.png' },
  });
  assert.deepEqual(res, [{ ...is, name: 'New Name', iconImage: 'https://acme.example/icon.png' }]);
  const again = await Credentials.credentialsOrgsUsersIssuersRetrieve2({ org, userId, entityId: is.entityId });
  assert.deepEqual(again, res);
});

test('issuers delete (credentials_orgs_users_issuers_destroy) answers {status: Deleted}, then the issuer is gone', async () => {
  const org = newOrg('issuers');
  const is = await createIssuer(org, { name: 'Short Lived' });
  // The generated method is typed CancelablePromise<void>; the real answer
  // is a 200 with a status block, which the client passes through.
  const res = await Credentials.credentialsOrgsUsersIssuersDestroy({ org, userId, entityId: is.entityId });
  assert.deepEqual(res, { status: ok('Deleted') });
  await rejectsWith(
    Credentials.credentialsOrgsUsersIssuersRetrieve2({ org, userId, entityId: is.entityId }),
    404,
    { detail: 'Not found.' },
  );
  const list = await Credentials.credentialsOrgsUsersIssuersRetrieve({ org, userId });
  assertPage(list.result, { count: 0, maxPageSize: 1000 });
});

test('authority create (credentials_orgs_users_issuers_authority_create) answers {data} and signs the issuer', async () => {
  const org = newOrg('issuers');
  const is = await createIssuer(org, { name: 'Signed Issuer' });
  const res = await Credentials.credentialsOrgsUsersIssuersAuthorityCreate({
    org,
    userId,
    requestBody: { name: 'Ada Lovelace', title: 'Dean', signature: 'https://acme.example/sig.png', entityId: is.entityId },
  });
  assert.deepEqual(res, { data: { name: 'Ada Lovelace', title: 'Dean', signature: 'https://acme.example/sig.png' } });

  const [got] = await Credentials.credentialsOrgsUsersIssuersRetrieve2({ org, userId, entityId: is.entityId });
  assert.equal(got.signatories.length, 1);
  const [sig] = got.signatories;
  assert.equal(typeof sig.entityId, 'string');
  assert.deepEqual(sig, { entityId: sig.entityId, name: 'Ada Lovelace', title: 'Dean', signature: 'https://acme.example/sig.png' });
});

test('issuers detail of an unknown issuer: ApiError 404 {detail}', async () => {
  const org = newOrg('issuers');
  await rejectsWith(
    Credentials.credentialsOrgsUsersIssuersRetrieve2({ org, userId, entityId: 'no-such-issuer' }),
    404,
    { detail: 'Not found.' },
  );
});

test('issuers create without a name: ApiError 400 {name: [required]}', async () => {
  const org = newOrg('issuers');
  await rejectsWith(
    Credentials.credentialsOrgsUsersIssuersCreate({ org, userId, requestBody: { url: 'https://acme.example' } }),
    400,
    { name: ['This field is required.'] },
  );
});

test('authority create for an unknown issuer: ApiError 400 on entityId', async () => {
  const org = newOrg('issuers');
  await rejectsWith(
    Credentials.credentialsOrgsUsersIssuersAuthorityCreate({
      org,
      userId,
      requestBody: { name: 'N', title: 'T', signature: 'S', entityId: 'nope' },
    }),
    400,
    { entityId: ['Object with entityId=nope does not exist.'] },
  );
});

test('OpenAPI.TOKEN sends Bearer, which the fake accepts', async (t) => {
  t.after(useFake);
  OpenAPI.HEADERS = undefined;
  OpenAPI.TOKEN = 'test-key';
  const org = newOrg('issuers');
  const is = await createIssuer(org, { name: 'Bearer Made' });
  const [got] = await Credentials.credentialsOrgsUsersIssuersRetrieve2({ org, userId, entityId: is.entityId });
  assert.equal(got.name, 'Bearer Made');

  // Without any credentials the client surfaces DRF's 401.
  OpenAPI.TOKEN = undefined;
  await rejectsWith(
    Credentials.credentialsOrgsUsersIssuersRetrieve({ org, userId }),
    401,
    { detail: 'Authentication credentials were not provided.' },
  );
});
