// The operations of the newer contract (4.205), which the pinned
// TypeScript client (4.90.4) has no methods for: the credential providers,
// a platform's provider configuration and its external credential
// mappings. They are sent with fetch exactly as the vendor's Python SDK
// (iblai-python-sdk, generated from 4.205) sends them: the path with
// {platform_key}/{user_id} (an integer; its *2 twins use {username}), an
// Accept of application/json, a JSON body of the model's writable fields
// (CredentialProviderConfig: provider_name, config, enabled;
// ExternalCredentialMapping: provider_name, external_template_id,
// group_id, metadata) and, for the DELETEs, no body at all. Where that
// generated request cannot succeed (the DELETEs, the mapping create without
// credential_id) the test shows the 400 it gets and then sends the request
// the operation's description documents.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { CredentialsService as Credentials } from '@iblai/iblai-api';
import { API_KEY, newOrg, ok, timestamp, useFake } from './support.mjs';

before(useFake);

/** sdk sends one request as the Python SDK's generated method does. */
async function sdk(method, path, body) {
  const headers = { Authorization: `Api-Token ${API_KEY}`, Accept: 'application/json' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(body);
  }
  const res = await fetch(process.env.IBLFAKE_URL + path, { method, headers, body });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/** page checks the wrapped page the three lists answer and returns data. */
function page(res, { count }) {
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.deepEqual(res.body.status, ok('Ok'));
  const r = res.body.result;
  assert.deepEqual(Object.keys(r).sort(), ['count', 'data', 'max_page_size', 'next', 'num_pages', 'page_number', 'previous']);
  assert.equal(r.count, count);
  assert.equal(r.max_page_size, 1000);
  return r.data;
}

const accredible = {
  provider_name: 'accredible',
  config: { accredible_api_key: 'your-api-key', accredible_group_id: '123456', use_sandbox: false },
  enabled: true,
};

test('credential providers (credentials_providers_retrieve): the enabled providers, paged, for any key', async () => {
  const data = page(await sdk('GET', '/api/credentials/providers/'), { count: 1 });
  assert.deepEqual(data.map((p) => [p.name, p.display_name, p.enabled]), [['accredible', 'Accredible', true]]);
  assert.deepEqual(Object.keys(data[0]).sort(), ['description', 'display_name', 'enabled', 'metadata', 'name']);
  // SKILL-C's paging parameters, which the generated method does not declare.
  page(await sdk('GET', '/api/credentials/providers/?page=1&page_size=50'), { count: 1 });
});

test('provider configuration (credentials_orgs_users_provider_config_*): create 201, update 200, list, deactivate', async () => {
  const org = newOrg('provider-config');
  // credentials_orgs_users_provider_config_create(platform_key, user_id: int, CredentialProviderConfig)
  const path = `/api/credentials/orgs/${org}/users/1/provider-config/`;
  const created = await sdk('POST', path, accredible);
  assert.equal(created.status, 201);
  assert.deepEqual(created.body.status, ok('Created'));
  const cfg = created.body.result;
  assert.match(cfg.created, timestamp);
  assert.deepEqual(cfg, {
    id: cfg.id,
    platform_key: org,
    platform_name: org,
    provider_name: 'accredible',
    provider_name_display: 'Accredible',
    config: accredible.config,
    enabled: true,
    created: cfg.created,
    updated: cfg.updated,
  });

  // The same provider_name updates, through the {username} twin
  // (credentials_orgs_users_provider_config_create2).
  const updated = await sdk('POST', `/api/credentials/orgs/${org}/users/admin/provider-config/`, { provider_name: 'accredible', enabled: false });
  assert.equal(updated.status, 200);
  assert.deepEqual(updated.body.status, ok('Updated'));
  assert.deepEqual({ ...updated.body.result, updated: cfg.updated }, { ...cfg, enabled: false });

  // credentials_orgs_users_provider_config_retrieve declares no query
  // parameters; the description's provider_name filter goes in by hand.
  assert.deepEqual(page(await sdk('GET', path), { count: 1 }).map((c) => c.id), [cfg.id]);
  page(await sdk('GET', `${path}?provider_name=credly`), { count: 0 });

  // The generated DELETE sends no body; the view needs provider_name.
  assert.deepEqual(await sdk('DELETE', path), { status: 400, body: { provider_name: ['This field is required.'] } });
  const off = await sdk('DELETE', path, { provider_name: 'accredible' });
  assert.equal(off.status, 200);
  assert.deepEqual(off.body.status, ok('Deactivated'));
  assert.equal(off.body.result.enabled, false);
  assert.equal(page(await sdk('GET', path), { count: 1 })[0].enabled, false, 'the record stays');

  assert.deepEqual(await sdk('POST', path, { provider_name: 'accredible', config: {} }), {
    status: 400,
    body: { config: ['accredible_api_key is required for the accredible provider.'] },
  });
});

test('external credential mapping (credentials_orgs_users_external_mapping_*): needs a configured provider; create 201, update 200, list, delete', async () => {
  const org = newOrg('external-mapping');
  const base = `/api/credentials/orgs/${org}/users/admin/`;
  const issuer = (await Credentials.credentialsOrgsUsersIssuersCreate({ org, userId: 'admin', requestBody: { name: 'Acme' } })).result;
  const cred = (await Credentials.credentialsOrgsUsersCreate({ org, userId: 'admin', requestBody: { name: 'Data Science', issuer: issuer.entityId } })).result;
  const mapping = { credential_id: cred.entityId, provider_name: 'accredible', external_template_id: '123456789', group_id: '679866', metadata: {} };

  assert.deepEqual(await sdk('POST', `${base}external-mapping/`, mapping), {
    status: 400,
    body: { provider_name: ['Provider accredible is not configured for this platform. Configure the provider first.'] },
  });
  assert.equal((await sdk('POST', `${base}provider-config/`, accredible)).status, 201);

  // The generated create sends the model's writable fields, which leave
  // out credential_id (read-only in the 4.205 model).
  const { credential_id: _, ...generated } = mapping;
  assert.deepEqual(await sdk('POST', `${base}external-mapping/`, generated), {
    status: 400,
    body: { credential_id: ['This field is required.'] },
  });
  const created = await sdk('POST', `${base}external-mapping/`, mapping);
  assert.equal(created.status, 201);
  assert.deepEqual(created.body.status, ok('Created'));
  const m = created.body.result;
  assert.deepEqual(m, {
    id: m.id,
    credential_id: cred.entityId,
    credential_name: 'Data Science',
    platform_key: org,
    platform_name: org,
    provider: 1,
    provider_name: 'accredible',
    provider_name_display: 'Accredible',
    external_template_id: '123456789',
    group_id: '679866',
    metadata: {},
    created: m.created,
    updated: m.updated,
  });
  const again = await sdk('POST', `${base}external-mapping/`, { ...mapping, external_template_id: '42' });
  assert.equal(again.status, 200);
  assert.deepEqual(again.body.status, ok('Updated'));
  assert.equal(again.body.result.id, m.id);

  // The description's filters, which the generated method does not declare.
  assert.deepEqual(page(await sdk('GET', `${base}external-mapping/?credential_id=${cred.entityId}&provider_name=accredible`), { count: 1 })
    .map((x) => x.external_template_id), ['42']);
  page(await sdk('GET', `${base}external-mapping/?credential_id=other`), { count: 0 });

  assert.equal((await sdk('DELETE', `${base}external-mapping/`)).status, 400);
  assert.deepEqual(await sdk('DELETE', `${base}external-mapping/`, { credential_id: cred.entityId, provider_name: 'accredible' }), {
    status: 200,
    body: { status: ok('Deleted') },
  });
  page(await sdk('GET', `${base}external-mapping/`), { count: 0 });
});
