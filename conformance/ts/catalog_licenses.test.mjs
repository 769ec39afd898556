// Catalog licenses (platform, user, course and program seat pools): create,
// update (POST .../update/, by license_id or external_id) and the filtered
// lists, through the vendor's generated CatalogService. Every test uses a
// platform key of its own (newOrg), so its lists hold only what it made;
// external ids are unique across platforms (a unique column), so they carry
// the key too. Assignments and seats are in catalog_assignments.test.mjs.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { CatalogService as Catalog } from '@iblai/iblai-api';
import { assertCatalogPage, newOrg, rejectsWith, timestamp, useFake } from './support.mjs';

before(useFake);

const ids = (results) => results.map((l) => l.id);

/** nearNow asserts that a timestamp is within a minute of this machine's clock. */
function nearNow(ts) {
  assert.match(ts, timestamp);
  assert.ok(Math.abs(Date.parse(ts) - Date.now()) < 60_000, `${ts} is now`);
}

test('platform license create (catalog_licenses_platform_create_create): defaults, and every field it takes', async () => {
  const pk = newOrg('lic-platform');
  const bare = await Catalog.catalogLicensesPlatformCreateCreate({ requestBody: { platform_key: pk } });
  nearNow(bare.created);
  assert.equal(bare.started, bare.created);
  // Platform licenses have no assignments, so no usage_count either.
  assert.deepEqual(bare, {
    id: bare.id,
    created: bare.created,
    started: bare.created,
    expired: null,
    name: '',
    count: 0,
    active: true,
    metadata: {},
    source: '',
    external_id: null,
    platform_key: pk,
  });

  const full = await Catalog.catalogLicensesPlatformCreateCreate({
    requestBody: {
      platform_key: pk,
      name: 'Enterprise',
      count: 250,
      started: '2026-01-01T00:00:00Z',
      expired: '2027-01-01T00:00:00Z',
      active: true,
      metadata: { tier: 'gold' },
      source: 'salesforce',
      external_id: `${pk}-sf-1`,
      transaction_id: 'tx-1',
    },
  });
  assert.ok(full.id > bare.id, 'ids grow');
  assert.deepEqual(full, {
    id: full.id,
    created: full.created,
    started: '2026-01-01T00:00:00Z',
    expired: '2027-01-01T00:00:00Z',
    name: 'Enterprise',
    count: 250,
    active: true,
    metadata: { tier: 'gold' },
    source: 'salesforce',
    external_id: `${pk}-sf-1`,
    platform_key: pk,
  });

  await rejectsWith(Catalog.catalogLicensesPlatformCreateCreate({ requestBody: { platform_key: pk, count: -1 } }), 400);
  await rejectsWith(
    Catalog.catalogLicensesPlatformCreateCreate({ requestBody: { platform_key: pk, external_id: `${pk}-sf-1` } }),
    400,
    { external_id: ['platform license with this external id already exists.'] },
  );
});

test('platform license update (catalog_licenses_platform_update_create) by license_id or external_id; the platform never moves', async () => {
  const pk = newOrg('lic-platform-upd');
  const l = await Catalog.catalogLicensesPlatformCreateCreate({
    requestBody: { platform_key: pk, name: 'Seats', count: 10, external_id: `${pk}-ext` },
  });

  const byId = await Catalog.catalogLicensesPlatformUpdateCreate({
    requestBody: { license_id: l.id, name: 'Renamed', count: 20, metadata: { region: 'eu' } },
  });
  assert.deepEqual(byId, { ...l, name: 'Renamed', count: 20, metadata: { region: 'eu' } });

  const byExt = await Catalog.catalogLicensesPlatformUpdateCreate({
    requestBody: { external_id: `${pk}-ext`, active: false, expired: '2030-06-30T12:00:00Z' },
  });
  assert.deepEqual(byExt, { ...byId, active: false, expired: '2030-06-30T12:00:00Z' });

  // The list answers the stored state.
  const [listed] = assertCatalogPage(await Catalog.catalogLicensesPlatformRetrieve({ platformKey: pk }), { count: 1 });
  assert.deepEqual(listed, byExt);

  await rejectsWith(Catalog.catalogLicensesPlatformUpdateCreate({ requestBody: { license_id: 999999, name: 'x' } }), 404, {
    detail: 'Not found.',
  });
  await rejectsWith(Catalog.catalogLicensesPlatformUpdateCreate({ requestBody: { external_id: `${pk}-nope` } }), 404, {
    detail: 'Not found.',
  });
  // The generated method takes no body as well (the spec marks it optional).
  await rejectsWith(Catalog.catalogLicensesPlatformUpdateCreate({}), 400, {
    non_field_errors: ['Either license_id or external_id is required.'],
  });
  // A body naming another platform names no license of this one.
  await rejectsWith(
    Catalog.catalogLicensesPlatformUpdateCreate({ requestBody: { license_id: l.id, platform_key: newOrg('other') } }),
    404,
  );
});

test('platform license list (catalog_licenses_platform_retrieve): -id by default, name / query / active / external_id filters, key alias, paging', async () => {
  const pk = newOrg('lic-platform-list');
  const make = (requestBody) => Catalog.catalogLicensesPlatformCreateCreate({ requestBody: { platform_key: pk, ...requestBody } });
  const gold = await make({ name: 'Gold Seats', count: 5, external_id: `${pk}-gold` });
  const silver = await make({ name: 'Silver Seats', count: 3, active: false });
  const bronze = await make({ name: 'Bronze', count: 1, source: 'crm' });

  // sort null: the client leaves out its own default, so this is the fake's default (-id).
  const all = await Catalog.catalogLicensesPlatformRetrieve({ platformKey: pk, sort: null });
  assert.deepEqual(ids(assertCatalogPage(all, { count: 3 })), [bronze.id, silver.id, gold.id]);
  // The client's default sort (-id) agrees.
  assert.deepEqual(await Catalog.catalogLicensesPlatformRetrieve({ platformKey: pk }), all);
  // `key` is an alias of platform_key.
  assert.deepEqual(await Catalog.catalogLicensesPlatformRetrieve({ key: pk }), all);

  const list = async (params) => ids((await Catalog.catalogLicensesPlatformRetrieve({ platformKey: pk, ...params })).results);
  assert.deepEqual(await list({ name: 'Gold Seats' }), [gold.id]);
  assert.deepEqual(await list({ name: 'gold seats' }), [], 'name is exact');
  assert.deepEqual(await list({ query: 'SEATS' }), [silver.id, gold.id], 'query is icontains');
  assert.deepEqual(await list({ active: false }), [silver.id]);
  assert.deepEqual(await list({ active: true }), [bronze.id, gold.id]);
  assert.deepEqual(await list({ externalId: `${pk}-gold` }), [gold.id]);
  assert.deepEqual(await list({ source: 'crm' }), [bronze.id]);
  assert.deepEqual(await list({ sort: 'name' }), [bronze.id, gold.id, silver.id]);
  assert.deepEqual(await list({ sort: '-count' }), [gold.id, silver.id, bronze.id]);
  await rejectsWith(Catalog.catalogLicensesPlatformRetrieve({ platformKey: pk, sort: 'color' }), 400, {
    sort: ['Cannot sort by "color".'],
  });

  // Page-number paging with absolute links in both key pairs.
  const p1 = await Catalog.catalogLicensesPlatformRetrieve({ platformKey: pk, page: 1, pageSize: 2 });
  assert.deepEqual(ids(assertCatalogPage(p1, { count: 3, next: /[?&]page=2(&|$)/ })), [bronze.id, silver.id]);
  assert.ok(p1.next.startsWith('http'), 'next is an absolute URL');
  const p2 = await Catalog.catalogLicensesPlatformRetrieve({ platformKey: pk, page: 2, pageSize: 2 });
  assert.deepEqual(ids(assertCatalogPage(p2, { count: 3, previous: /page_size=2/ })), [gold.id]);
  await rejectsWith(Catalog.catalogLicensesPlatformRetrieve({ platformKey: pk, page: 3, pageSize: 2 }), 404, {
    detail: 'Invalid page.',
  });

  // verbose adds nothing to platform licenses (they have no assignments).
  const verbose = await Catalog.catalogLicensesPlatformRetrieve({ platformKey: pk, verbose: true });
  assert.deepEqual(verbose, all);
});

test('user license create / update / list (catalog_licenses_user_*): usage_count always, the assignment summary only with verbose', async () => {
  const pk = newOrg('lic-user');
  const l = await Catalog.catalogLicensesUserCreateCreate({
    requestBody: { platform_key: pk, name: 'Learners', count: 3, external_id: `${pk}-u1`, enrollment_config: { auto: true } },
  });
  nearNow(l.created);
  assert.deepEqual(l, {
    id: l.id,
    created: l.created,
    started: l.created,
    expired: null,
    name: 'Learners',
    count: 3,
    active: true,
    metadata: {},
    source: '',
    external_id: `${pk}-u1`,
    platform_key: pk,
    usage_count: 0,
  });

  const upd = await Catalog.catalogLicensesUserUpdateCreate({ requestBody: { external_id: `${pk}-u1`, count: 7, source: 'hr' } });
  assert.deepEqual(upd, { ...l, count: 7, source: 'hr' });
  await rejectsWith(Catalog.catalogLicensesUserUpdateCreate({ requestBody: { license_id: l.id, count: -2 } }), 400);

  const plain = await Catalog.catalogLicensesUserRetrieve({ platformKey: pk });
  assert.deepEqual(assertCatalogPage(plain, { count: 1 }), [upd]);
  const verbose = await Catalog.catalogLicensesUserRetrieve({ platformKey: pk, verbose: true });
  assert.deepEqual(verbose.results, [{ ...upd, assignments: { total: 0, active: 0, pending: 0 } }]);

  // Another platform's list never shows it.
  const other = await Catalog.catalogLicensesUserRetrieve({ platformKey: newOrg('lic-user-other') });
  assertCatalogPage(other, { count: 0 });
  // external ids are unique per kind across platforms.
  await rejectsWith(
    Catalog.catalogLicensesUserCreateCreate({ requestBody: { platform_key: newOrg('lic-user-2'), external_id: `${pk}-u1` } }),
    400,
    { external_id: ['user license with this external id already exists.'] },
  );
});

test('course license create / update / list (catalog_licenses_course_*): course keys only, course_id immutable, org / platform_org aliases', async () => {
  const pk = newOrg('lic-course');
  const c1 = `course-v1:${pk}+DS101+2026`;
  const c2 = `course-v1:${pk}+ML201+2026`;
  const a = await Catalog.catalogLicensesCourseCreateCreate({ requestBody: { platform_key: pk, course_id: c1, name: 'DS', count: 2 } });
  assert.deepEqual(a, {
    id: a.id,
    created: a.created,
    started: a.started,
    expired: null,
    name: 'DS',
    count: 2,
    active: true,
    metadata: {},
    source: '',
    external_id: null,
    platform_key: pk,
    course_id: c1,
    usage_count: 0,
  });
  const b = await Catalog.catalogLicensesCourseCreateCreate({ requestBody: { platform_key: pk, course_id: c2, name: 'ML' } });
  await rejectsWith(
    Catalog.catalogLicensesCourseCreateCreate({ requestBody: { platform_key: pk, course_id: 'not-a-course' } }),
    404,
    { detail: 'Not found.' },
  );

  const upd = await Catalog.catalogLicensesCourseUpdateCreate({ requestBody: { license_id: a.id, course_id: c1, count: 4 } });
  assert.deepEqual(upd, { ...a, count: 4 });
  await rejectsWith(Catalog.catalogLicensesCourseUpdateCreate({ requestBody: { license_id: a.id, course_id: c2 } }), 400, {
    course_id: ['This field cannot be changed on an existing license.'],
  });

  const all = await Catalog.catalogLicensesCourseRetrieve({ platformKey: pk });
  assert.deepEqual(ids(assertCatalogPage(all, { count: 2 })), [b.id, a.id]);
  assert.deepEqual(all.results[1], upd);
  assert.deepEqual(await Catalog.catalogLicensesCourseRetrieve({ org: pk }), all);
  assert.deepEqual(await Catalog.catalogLicensesCourseRetrieve({ platformOrg: pk }), all);
  assert.deepEqual(ids((await Catalog.catalogLicensesCourseRetrieve({ platformKey: pk, courseId: c2 })).results), [b.id]);
  const verbose = await Catalog.catalogLicensesCourseRetrieve({ platformKey: pk, courseId: c1, verbose: true });
  assert.deepEqual(verbose.results, [{ ...upd, assignments: { total: 0, active: 0, pending: 0 } }]);
});

test('program license create / update / list (catalog_licenses_program_*): program_id or program_key, program_name, source "api"', async () => {
  const pk = newOrg('lic-program');
  const byId = await Catalog.catalogLicensesProgramCreateCreate({
    requestBody: { platform_key: pk, program_id: `program-v1:${pk}+mba+2026`, name: 'MBA', count: 3, external_id: `${pk}-mba` },
  });
  assert.deepEqual(byId, {
    id: byId.id,
    created: byId.created,
    started: byId.started,
    expired: null,
    name: 'MBA',
    count: 3,
    active: true,
    metadata: {},
    source: 'api',
    external_id: `${pk}-mba`,
    platform_key: pk,
    program_id: `program-v1:${pk}+mba+2026`,
    program_key: `${pk}+mba`,
    program_name: 'mba',
    usage_count: 0,
  });
  // The schema's own body (program_key, name, count, started) works too.
  const byKey = await Catalog.catalogLicensesProgramCreateCreate({
    requestBody: { platform_key: pk, program_key: `${pk}+data`, name: 'Data', count: 1, started: '2026-02-01T09:30:00Z' },
  });
  assert.equal(byKey.program_key, `${pk}+data`);
  assert.equal(byKey.program_name, 'data');
  assert.equal(byKey.started, '2026-02-01T09:30:00Z');
  assert.ok(!('program_id' in byKey), 'no program_id when only the key was given');
  await rejectsWith(Catalog.catalogLicensesProgramCreateCreate({ requestBody: { platform_key: pk, name: 'None' } }), 400, {
    program_id: ['This field is required.'],
  });

  const upd = await Catalog.catalogLicensesProgramUpdateCreate({ requestBody: { external_id: `${pk}-mba`, name: 'MBA 2026' } });
  assert.deepEqual(upd, { ...byId, name: 'MBA 2026' });
  await rejectsWith(
    Catalog.catalogLicensesProgramUpdateCreate({ requestBody: { license_id: byId.id, program_key: `${pk}+data` } }),
    400,
    { program_key: ['This field cannot be changed on an existing license.'] },
  );

  const all = await Catalog.catalogLicensesProgramRetrieve({ platformKey: pk });
  assert.deepEqual(ids(assertCatalogPage(all, { count: 2 })), [byKey.id, byId.id]);
  assert.deepEqual(await Catalog.catalogLicensesProgramRetrieve({ org: pk }), all);
  const filtered = await Catalog.catalogLicensesProgramRetrieve({ platformKey: pk, programId: `program-v1:${pk}+mba+2026` });
  assert.deepEqual(filtered.results, [upd]);
  const verbose = await Catalog.catalogLicensesProgramRetrieve({ platformKey: pk, query: 'data', verbose: true });
  assert.deepEqual(verbose.results, [{ ...byKey, assignments: { total: 0, active: 0, pending: 0 } }]);
});
