// Catalog invitations (platform, course and program): create-or-update,
// lists, the public platform check, blank invitations and their redemption,
// bulk creates and the collection DELETE stub, through the vendor's
// generated CatalogService. Every test uses a platform key of its own
// (newOrg) and emails on a domain of that key, since the public check looks
// at every platform.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { CatalogService as Catalog } from '@iblai/iblai-api';
import { assertCatalogPage, newOrg, rejectsWith, seedDirectory, send, timestamp, useFake, withoutAuth } from './support.mjs';

before(useFake);

const emails = (results) => results.map((iv) => iv.email);
const past = '2020-01-01T00:00:00Z';
const future = '2099-01-01T00:00:00Z';

/** checkPlatform answers the public check's status for email (no auth). */
async function checkPlatform(email) {
  return withoutAuth(async () => {
    try {
      await Catalog.catalogInvitationsPlatformCheckRetrieve({ email });
      return 200;
    } catch (err) {
      return err.status;
    }
  });
}

test('platform invitation create (catalog_invitations_platform_create) as the web containers send it; 4.205 CSV columns are fields, other keys metadata; the same email updates', async () => {
  const pk = newOrg('inv-platform');
  const ann = `ann@${pk}.test`;
  // UsersTab's inviteUser body, plus CSV columns from the invites skill:
  // first_name is declared by 4.205 (a field), title is not (metadata).
  const iv = await Catalog.catalogInvitationsPlatformCreate({
    requestBody: { email: ann, platform_key: pk, redirect_to: 'https://app.example/welcome', source: 'admin', first_name: 'Ann', title: 'Dr' },
  });
  assert.match(iv.created, timestamp);
  assert.deepEqual(iv, {
    id: iv.id,
    user_id: null,
    username: null,
    email: ann,
    created: iv.created,
    started: null,
    source: 'admin',
    redirect_to: 'https://app.example/welcome',
    expired: null,
    active: true,
    metadata: { title: 'Dr' },
    platform_key: pk,
    company_name: null,
    first_name: 'Ann',
    last_name: null,
    user_group: null,
    user_group_owner_email: null,
  });

  // Create-or-update: the same email is the same invitation.
  const off = await Catalog.catalogInvitationsPlatformCreate({ requestBody: { email: ann, platform_key: pk, active: false } });
  assert.deepEqual(off, { ...iv, active: false });
  assert.equal((await Catalog.catalogInvitationsPlatformRetrieve({ platformKey: pk })).count, 1);

  // A user the platform knows fills user_id, username and email.
  await seedDirectory(pk, { users: [{ user_id: 7, username: 'ada', email: `ada@${pk}.test` }] });
  const ada = await Catalog.catalogInvitationsPlatformCreate({ requestBody: { username: 'ada', platform_key: pk } });
  assert.deepEqual([ada.user_id, ada.username, ada.email], [7, 'ada', `ada@${pk}.test`]);

  await rejectsWith(Catalog.catalogInvitationsPlatformCreate({ requestBody: { platform_key: pk } }), 400, {
    email: ['This field is required.'],
  });
  // The tenant may come from the query (the generated method declares
  // platform_key there too) instead of the body.
  const q = await Catalog.catalogInvitationsPlatformCreate({ platformKey: pk, requestBody: { platform_key: pk, email: `q@${pk}.test` } });
  assert.equal(q.platform_key, pk);
});

test('platform invitation status (active / expired / started) and the public check (catalog_invitations_platform_check_retrieve)', async () => {
  const pk = newOrg('inv-check');
  const at = (name) => `${name}@${pk}.test`;
  const pending = await Catalog.catalogInvitationsPlatformCreate({ requestBody: { platform_key: pk, email: at('pending'), expired: future } });
  const expired = await Catalog.catalogInvitationsPlatformCreate({ requestBody: { platform_key: pk, email: at('expired'), expired: past } });
  const cancelled = await Catalog.catalogInvitationsPlatformCreate({ requestBody: { platform_key: pk, email: at('cancelled'), active: false } });
  assert.deepEqual([pending.active, pending.expired, pending.started], [true, future, null]);
  assert.deepEqual([expired.active, expired.expired], [true, past]);
  assert.deepEqual([cancelled.active, cancelled.expired], [false, null]);

  // Public: no Authorization header; 200 and 404 carry no body.
  assert.equal(await withoutAuth(() => Catalog.catalogInvitationsPlatformCheckRetrieve({ email: at('PENDING') })), undefined);
  await withoutAuth(() => rejectsWith(Catalog.catalogInvitationsPlatformCheckRetrieve({ email: at('nobody') }), 404, undefined));
  assert.equal(await checkPlatform(at('expired')), 404, 'an expired invitation lets no one in');
  assert.equal(await checkPlatform(at('cancelled')), 404, 'nor does an inactive one');
  await withoutAuth(() =>
    rejectsWith(Catalog.catalogInvitationsPlatformCheckRetrieve({ email: 'not-an-email' }), 400, { email: ['Enter a valid email address.'] }),
  );
  await withoutAuth(() => rejectsWith(Catalog.catalogInvitationsPlatformCheckRetrieve({}), 400));

  // Moving the expiry on, or deactivating, changes the answer. (expired
  // cannot be cleared: the create schema does not let it be null.)
  await rejectsWith(
    Catalog.catalogInvitationsPlatformCreate({ requestBody: { platform_key: pk, email: at('expired'), expired: null } }),
    400,
    { expired: ['This field may not be null.'] },
  );
  await Catalog.catalogInvitationsPlatformCreate({ requestBody: { platform_key: pk, email: at('expired'), expired: future } });
  assert.equal(await checkPlatform(at('expired')), 200);
  await Catalog.catalogInvitationsPlatformCreate({ requestBody: { platform_key: pk, email: at('pending'), active: false } });
  assert.equal(await checkPlatform(at('pending')), 404);

  // The list reads the same fields the web containers show (active, expired).
  const list = await Catalog.catalogInvitationsPlatformRetrieve({ platformKey: pk, active: true });
  assert.deepEqual(assertCatalogPage(list, { count: 1 }).map((iv) => [iv.email, iv.active, iv.expired]), [[at('expired'), true, future]]);
  const off = await Catalog.catalogInvitationsPlatformRetrieve({ platformKey: pk, active: false, sort: 'email' });
  assert.deepEqual(emails(off.results), [at('cancelled'), at('pending')]);
});

test('platform invitation list (catalog_invitations_platform_retrieve): -id by default, filters, org alias, paging of 5 as the web containers ask', async () => {
  const pk = newOrg('inv-list');
  const made = [];
  for (const n of [1, 2, 3, 4, 5, 6]) {
    made.push(
      await Catalog.catalogInvitationsPlatformCreate({
        requestBody: { platform_key: pk, email: `u${n}@${pk}.test`, source: n % 2 ? 'odd' : 'even', team: n <= 3 ? 'red' : 'blue' },
      }),
    );
  }
  const newestFirst = [...made].reverse();
  // UsersTab: usePlatformInvitationsQuery({platformKey, page, pageSize: 5}).
  const p1 = await Catalog.catalogInvitationsPlatformRetrieve({ platformKey: pk, page: 1, pageSize: 5 });
  assert.deepEqual(assertCatalogPage(p1, { count: 6, next: /[?&]page=2(&|$)/ }), newestFirst.slice(0, 5));
  const p2 = await Catalog.catalogInvitationsPlatformRetrieve({ platformKey: pk, page: 2, pageSize: 5 });
  assert.deepEqual(assertCatalogPage(p2, { count: 6, previous: /page_size=5/ }), newestFirst.slice(5));
  // sort null leaves out the client's default: the fake's own is -id too.
  assert.deepEqual((await Catalog.catalogInvitationsPlatformRetrieve({ platformKey: pk, sort: null })).results, newestFirst);
  assert.deepEqual((await Catalog.catalogInvitationsPlatformRetrieve({ org: pk })).results, newestFirst);
  assert.deepEqual((await Catalog.catalogInvitationsPlatformRetrieve({ platformKey: pk, sort: 'id' })).results, made);

  const only = async (params) => emails((await Catalog.catalogInvitationsPlatformRetrieve({ platformKey: pk, ...params })).results);
  assert.deepEqual(await only({ email: `U4@${pk}.test` }), [`u4@${pk}.test`]);
  assert.deepEqual(await only({ source: 'even' }), [`u6@${pk}.test`, `u4@${pk}.test`, `u2@${pk}.test`]);
  assert.deepEqual(await only({ verbose: true, source: 'odd' }), [`u5@${pk}.test`, `u3@${pk}.test`, `u1@${pk}.test`]);
  // A parameter the list does not know filters on metadata; the generated
  // method cannot send one, so fetch does.
  const red = await send('GET', `/api/catalog/invitations/platform/?platform_key=${pk}&team=red`);
  assert.equal(red.status, 200);
  assert.deepEqual(emails(red.body.results), [`u3@${pk}.test`, `u2@${pk}.test`, `u1@${pk}.test`]);
  await rejectsWith(Catalog.catalogInvitationsPlatformRetrieve({ platformKey: pk, sort: 'colour' }), 400, {
    sort: ['Cannot sort by "colour".'],
  });
});

test('platform invitation DELETE (catalog_invitations_platform_destroy) is the documented stub: 200, nothing deleted', async () => {
  const pk = newOrg('inv-del');
  await Catalog.catalogInvitationsPlatformCreate({ requestBody: { platform_key: pk, email: `a@${pk}.test` } });
  const before = await Catalog.catalogInvitationsPlatformRetrieve({ platformKey: pk });
  assert.equal(await Catalog.catalogInvitationsPlatformDestroy({ platformKey: pk, email: `a@${pk}.test` }), undefined);
  assert.deepEqual(await Catalog.catalogInvitationsPlatformRetrieve({ platformKey: pk }), before);
  assert.equal(await checkPlatform(`a@${pk}.test`), 200);
});

test('platform blank invitations and redeem (catalog_invitations_platform_blank_create / _redeem_create): 404 once none is left', async () => {
  const pk = newOrg('inv-blank');
  const made = await Catalog.catalogInvitationsPlatformBlankCreate({
    requestBody: { platform_key: pk, source: 'career-fair', count: 2, metadata: { booth: 7 } },
  });
  assert.deepEqual(made, { successes: 2, error_codes: [] });
  // A malformed email redeems nothing.
  await rejectsWith(
    Catalog.catalogInvitationsPlatformRedeemCreate({ requestBody: { platform_key: pk, source: 'career-fair', email: 'not-an-email' } }),
    400,
    { email: ['Enter a valid email address.'] },
  );
  const blanks = await Catalog.catalogInvitationsPlatformRetrieve({ platformKey: pk, source: 'career-fair' });
  assert.deepEqual(
    assertCatalogPage(blanks, { count: 2 }).map((iv) => [iv.email, iv.username, iv.user_id, iv.started, iv.active, iv.metadata]),
    [
      [null, null, null, null, true, { booth: 7 }],
      [null, null, null, null, true, { booth: 7 }],
    ],
  );
  const [second, first] = blanks.results;

  const a = await Catalog.catalogInvitationsPlatformRedeemCreate({ requestBody: { platform_key: pk, source: 'career-fair', email: `a@${pk}.test` } });
  assert.match(a.started, timestamp);
  assert.deepEqual(a, { ...first, email: `a@${pk}.test`, started: a.started }, 'the oldest blank one');
  assert.equal(await checkPlatform(`a@${pk}.test`), 200, 'a redeemed invitation is pending');
  await seedDirectory(pk, { users: [{ user_id: 3, username: 'bo', email: `bo@${pk}.test` }] });
  const b = await Catalog.catalogInvitationsPlatformRedeemCreate({ requestBody: { platform_key: pk, source: 'career-fair', username: 'bo' } });
  assert.deepEqual([b.id, b.user_id, b.username, b.email, b.source], [second.id, 3, 'bo', `bo@${pk}.test`, 'career-fair']);

  await rejectsWith(
    Catalog.catalogInvitationsPlatformRedeemCreate({ requestBody: { platform_key: pk, source: 'career-fair', email: `c@${pk}.test` } }),
    404,
    { detail: 'Not found.' },
  );
  await rejectsWith(
    Catalog.catalogInvitationsPlatformRedeemCreate({ requestBody: { platform_key: pk, source: 'other', email: `c@${pk}.test` } }),
    404,
  );
  await rejectsWith(Catalog.catalogInvitationsPlatformRedeemCreate({ requestBody: { platform_key: pk, source: 'career-fair' } }), 400, {
    email: ['This field is required.'],
  });
  await rejectsWith(Catalog.catalogInvitationsPlatformBlankCreate({ requestBody: { platform_key: pk, source: 's', count: 0 } }), 400, {
    count: ['Ensure this value is greater than or equal to 1.'],
  });
  await rejectsWith(Catalog.catalogInvitationsPlatformBlankCreate({ requestBody: { platform_key: pk, source: ' ', count: 1 } }), 400, {
    source: ['This field may not be blank.'],
  });
});

test('platform bulk invitations (catalog_invitations_platform_bulk_create): {successes, error_codes}; an item of another platform refuses the whole', async () => {
  const pk = newOrg('inv-bulk');
  const res = await Catalog.catalogInvitationsPlatformBulkCreate({
    requestBody: {
      platform_key: pk,
      invitation_data: [
        { platform_key: pk, email: `a@${pk}.test` },
        { platform_key: pk, username: '' },
        { platform_key: pk, email: `b@${pk}.test`, company_name: 'B Corp' },
      ],
    },
  });
  assert.deepEqual(res, { successes: 2, error_codes: ['1:email_required'] });
  const list = await Catalog.catalogInvitationsPlatformRetrieve({ platformKey: pk });
  assert.deepEqual(assertCatalogPage(list, { count: 2 }).map((iv) => [iv.email, iv.company_name, iv.metadata]), [
    [`b@${pk}.test`, 'B Corp', {}],
    [`a@${pk}.test`, null, {}],
  ]);

  const other = newOrg('inv-bulk-other');
  await rejectsWith(
    Catalog.catalogInvitationsPlatformBulkCreate({
      requestBody: {
        platform_key: pk,
        invitation_data: [
          { platform_key: pk, email: `c@${pk}.test` },
          { platform_key: other, email: `d@${pk}.test` },
        ],
      },
    }),
    400,
    { invitation_data: [`Every invitation must be on platform "${pk}"; item 1 is on "${other}".`] },
  );
  assert.equal(await checkPlatform(`c@${pk}.test`), 404, 'nothing was written');
  assert.equal((await Catalog.catalogInvitationsPlatformRetrieve({ platformKey: pk })).count, 2);
});

test('course invitations (catalog_invitations_course_*): create, list as CoursesTab asks, bulk, blank, redeem, DELETE stub', async () => {
  const pk = newOrg('inv-course');
  const c1 = `course-v1:${pk}+DS101+2026`;
  const c2 = `course-v1:${pk}+ML201+2026`;
  // No platform named: the course key's org is the platform.
  const iv = await Catalog.catalogInvitationsCourseCreate({ requestBody: { course_id: c1, email: `a@${pk}.test`, source: 'admin' } });
  assert.deepEqual(iv, {
    id: iv.id,
    user_id: null,
    username: null,
    email: `a@${pk}.test`,
    created: iv.created,
    started: null,
    source: 'admin',
    redirect_to: null,
    expired: null,
    active: true,
    metadata: {},
    course_id: c1,
    enrollment_config: {},
  });
  await rejectsWith(Catalog.catalogInvitationsCourseCreate({ requestBody: { course_id: 'not-a-course', email: `a@${pk}.test` } }), 404, {
    detail: 'Not found.',
  });

  // CoursesTab's bulk send: {invitation_data: [{course_id, email}], platform_key}.
  const bulk = await Catalog.catalogInvitationsCourseBulkCreate({
    requestBody: {
      platform_key: pk,
      invitation_data: [
        { course_id: c2, email: `b@${pk}.test` },
        { course_id: 'bogus', email: `c@${pk}.test` },
        { course_id: c2, email: 'not-an-email' },
      ],
    },
  });
  assert.deepEqual(bulk, { successes: 1, error_codes: ['1:course_not_found', '2:invalid_email'] });

  // CoursesTab: useGetCatalogInvitationsCourseQuery({platformKey, page, pageSize: 5}).
  const tab = await Catalog.catalogInvitationsCourseRetrieve({ platformKey: pk, page: 1, pageSize: 5 });
  assert.deepEqual(assertCatalogPage(tab, { count: 2 }).map((x) => [x.email, x.course_id]), [
    [`b@${pk}.test`, c2],
    [`a@${pk}.test`, c1],
  ]);
  assert.deepEqual((await Catalog.catalogInvitationsCourseRetrieve({ platformKey: pk, courseId: c1 })).results, [iv]);
  assert.deepEqual(await Catalog.catalogInvitationsCourseRetrieve({ platformOrg: pk, page: 1, pageSize: 5 }), tab);
  assert.deepEqual(await Catalog.catalogInvitationsCourseRetrieve({ key: pk, page: 1, pageSize: 5 }), tab);

  const blank = await Catalog.catalogInvitationsCourseBlankCreate({ requestBody: { course_id: c1, source: 'promo', count: 1 } });
  assert.deepEqual(blank, { successes: 1, error_codes: [] });
  const got = await Catalog.catalogInvitationsCourseRedeemCreate({ requestBody: { course_id: c1, source: 'promo', email: `d@${pk}.test` } });
  assert.deepEqual([got.course_id, got.email, got.source, got.active], [c1, `d@${pk}.test`, 'promo', true]);
  assert.match(got.started, timestamp);
  await rejectsWith(Catalog.catalogInvitationsCourseRedeemCreate({ requestBody: { course_id: c1, source: 'promo', email: `e@${pk}.test` } }), 404);
  await rejectsWith(Catalog.catalogInvitationsCourseBlankCreate({ requestBody: { course_id: 'nope', source: 'promo', count: 1 } }), 404);

  const before = await Catalog.catalogInvitationsCourseRetrieve({ platformKey: pk });
  assert.equal(before.count, 3);
  assert.equal(await Catalog.catalogInvitationsCourseDestroy({ platformKey: pk, courseId: c1 }), undefined);
  assert.deepEqual(await Catalog.catalogInvitationsCourseRetrieve({ platformKey: pk }), before);
  // Course invitations are not platform invitations.
  assert.equal(await checkPlatform(`a@${pk}.test`), 404);
});

test('program invitations (catalog_invitations_program_*): create, list by org (the method has no platform_key), bulk, blank, redeem, DELETE stub', async () => {
  const pk = newOrg('inv-program');
  const mba = `${pk}+mba`;
  const iv = await Catalog.catalogInvitationsProgramCreate({
    requestBody: { program_key: mba, email: `a@${pk}.test`, enrollment_config: { auto: true }, redirect_to: 'https://app.example/mba' },
  });
  assert.deepEqual(iv, {
    id: iv.id,
    user_id: null,
    username: null,
    email: `a@${pk}.test`,
    created: iv.created,
    started: null,
    source: null,
    redirect_to: 'https://app.example/mba',
    expired: null,
    active: true,
    metadata: {},
    program_key: mba,
    enrollment_config: { auto: true },
  });
  await rejectsWith(Catalog.catalogInvitationsProgramCreate({ requestBody: { program_key: 'nope', email: `a@${pk}.test` } }), 404);

  // ProgramsTab's bulk send: {invitation_data: [{program_key, email}], platform_key}.
  const bulk = await Catalog.catalogInvitationsProgramBulkCreate({
    requestBody: {
      platform_key: pk,
      invitation_data: [
        { program_key: `${pk}+data`, email: `b@${pk}.test` },
        { program_key: 'bad key', email: `c@${pk}.test` },
      ],
    },
  });
  assert.deepEqual(bulk, { successes: 1, error_codes: ['1:program_not_found'] });
  await rejectsWith(
    Catalog.catalogInvitationsProgramBulkCreate({
      requestBody: { invitation_data: [{ program_key: mba, email: `x@${pk}.test` }, { program_key: `${newOrg('x')}+mba`, email: `y@${pk}.test` }] },
    }),
    400,
  );

  // The generated list method declares org, not platform_key (ProgramsTab
  // uses raw fetch for platform_key); org is an alias.
  const list = await Catalog.catalogInvitationsProgramRetrieve({ org: pk, page: 1, pageSize: 5 });
  assert.deepEqual(assertCatalogPage(list, { count: 2 }).map((x) => [x.email, x.program_key]), [
    [`b@${pk}.test`, `${pk}+data`],
    [`a@${pk}.test`, mba],
  ]);
  assert.deepEqual((await Catalog.catalogInvitationsProgramRetrieve({ org: pk, programKey: mba })).results, [iv]);
  // ProgramsTab's own request, which the method cannot express.
  const raw = await send('GET', `/api/catalog/invitations/program/?platform_key=${pk}&page=1&page_size=5`);
  assert.deepEqual(raw.body, list);

  assert.deepEqual(await Catalog.catalogInvitationsProgramBlankCreate({ requestBody: { program_key: mba, source: 'alumni', count: 3 } }), {
    successes: 3,
    error_codes: [],
  });
  const got = await Catalog.catalogInvitationsProgramRedeemCreate({ requestBody: { program_key: mba, source: 'alumni', email: `d@${pk}.test` } });
  assert.deepEqual([got.program_key, got.email, got.source], [mba, `d@${pk}.test`, 'alumni']);
  const left = await Catalog.catalogInvitationsProgramRetrieve({ org: pk, source: 'alumni', sort: 'id' });
  assert.deepEqual(emails(left.results), [`d@${pk}.test`, null, null]);
  await rejectsWith(Catalog.catalogInvitationsProgramRedeemCreate({ requestBody: { program_key: `${pk}+data`, source: 'alumni', email: `e@${pk}.test` } }), 404);

  const before = await Catalog.catalogInvitationsProgramRetrieve({ org: pk });
  assert.equal(before.count, 5);
  assert.equal(await Catalog.catalogInvitationsProgramDestroy({ org: pk, programKey: mba }), undefined);
  assert.deepEqual(await Catalog.catalogInvitationsProgramRetrieve({ org: pk }), before);
});
