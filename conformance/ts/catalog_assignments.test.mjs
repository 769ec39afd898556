// Catalog license assignments (user, course and program licenses): one
// seat per active assignment, group assignments that give every member a
// seat, the public assignment check, through the vendor's generated
// CatalogService. Users and groups live in other services, so each test
// seeds its platform's directory through the fake's admin surface
// (PUT /_fake/groups) with fetch; everything else goes through the client.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { CatalogService as Catalog } from '@iblai/iblai-api';
import { assertCatalogPage, newOrg, rejectsWith, seedDirectory, timestamp, useFake, withoutAuth } from './support.mjs';

before(useFake);

/**
 * setup makes a platform with users 1-5 (userN, userN@<platform>.test,
 * "User N") and groups 10 Sales {1, 2, 3} and 20 Ops {4, 5}.
 */
async function setup(label) {
  const pk = newOrg(label);
  const user = (n) => ({ user_id: n, username: `user${n}`, email: `user${n}@${pk}.test`, name: `User ${n}` });
  await seedDirectory(pk, {
    users: [1, 2, 3, 4, 5].map(user),
    groups: [
      { id: 10, name: 'Sales', members: [1, 2, 3].map(user) },
      { id: 20, name: 'Ops', members: [4, 5].map(user) },
    ],
  });
  return { pk, email: (n) => `user${n}@${pk}.test` };
}

/** seats answers a license as the verbose list shows it: usage_count and the summary. */
async function seats(list, pk, id) {
  const res = await list({ platformKey: pk, verbose: true });
  const l = res.results.find((x) => x.id === id);
  assert.ok(l, `license ${id} is listed`);
  return { usage_count: l.usage_count, ...l.assignments };
}

const userSeats = (pk, id) => seats((p) => Catalog.catalogLicensesUserRetrieve(p), pk, id);
const courseSeats = (pk, id) => seats((p) => Catalog.catalogLicensesCourseRetrieve(p), pk, id);
const programSeats = (pk, id) => seats((p) => Catalog.catalogLicensesProgramRetrieve(p), pk, id);

test('user license assignments (catalog_licenses_user_assignment_create/_retrieve/_destroy): each takes a seat; one beyond count is a 400; delete frees it', async () => {
  const { pk, email } = await setup('asg-user');
  const l = await Catalog.catalogLicensesUserCreateCreate({ requestBody: { platform_key: pk, name: 'Seats', count: 2 } });

  // license_id in the query (the generated signature) and in the body.
  const ann = await Catalog.catalogLicensesUserAssignmentCreate({
    licenseId: l.id,
    requestBody: { license_id: l.id, user_id: 1, metadata: { cohort: 'a' } },
  });
  assert.deepEqual(ann, {
    id: ann.id,
    user_id: 1,
    username: 'user1',
    email: email(1),
    active: true,
    fulfilled: false,
    redirect_to: null,
    metadata: { cohort: 'a' },
    license_id: l.id,
    license_name: 'Seats',
    platform_key: pk,
  });
  // license_id only in the body, as the vendor skill's curl sends it; an
  // email no user has makes an email-only assignment.
  const guest = await Catalog.catalogLicensesUserAssignmentCreate({
    requestBody: { license_id: l.id, email: `guest@${pk}.test` },
  });
  assert.deepEqual([guest.user_id, guest.username, guest.email], [null, null, `guest@${pk}.test`]);
  assert.deepEqual(await userSeats(pk, l.id), { usage_count: 2, total: 2, active: 2, pending: 2 });

  await rejectsWith(Catalog.catalogLicensesUserAssignmentCreate({ licenseId: l.id, requestBody: { license_id: l.id, user_id: 2 } }), 400, {
    detail: 'Not enough seats available on this license: 2 of 2 in use, 1 more requested.',
  });
  // Assigning the same user again (by email, any case) updates, taking no seat.
  const again = await Catalog.catalogLicensesUserAssignmentCreate({
    licenseId: l.id,
    requestBody: { license_id: l.id, email: email(1).toUpperCase(), fulfilled: true },
  });
  assert.deepEqual(again, { ...ann, fulfilled: true });
  assert.deepEqual(await userSeats(pk, l.id), { usage_count: 2, total: 2, active: 2, pending: 1 });
  // count cannot drop below the seats in use.
  await rejectsWith(Catalog.catalogLicensesUserUpdateCreate({ requestBody: { license_id: l.id, count: 1 } }), 400, {
    count: ['Ensure this value is greater than or equal to 2, the seats in use.'],
  });

  const list = await Catalog.catalogLicensesUserAssignmentRetrieve({ licenseId: l.id, platformKey: pk });
  assert.deepEqual(assertCatalogPage(list, { count: 2 }), [again, guest], 'sorted by id');
  const desc = await Catalog.catalogLicensesUserAssignmentRetrieve({ licenseId: l.id, sort: '-id' });
  assert.deepEqual(desc.results, [guest, again]);

  const del = await Catalog.catalogLicensesUserAssignmentDestroy({ assignmentId: guest.id, licenseId: l.id });
  assert.equal(del, undefined, '200 without a body');
  assert.deepEqual(await userSeats(pk, l.id), { usage_count: 1, total: 1, active: 1, pending: 0 });
  await rejectsWith(Catalog.catalogLicensesUserAssignmentDestroy({ assignmentId: guest.id, licenseId: l.id }), 404, { detail: 'Not found.' });
  // The freed seat takes the user refused above.
  const bob = await Catalog.catalogLicensesUserAssignmentCreate({ licenseId: l.id, requestBody: { license_id: l.id, user_id: 2 } });
  assert.equal(bob.username, 'user2');

  await rejectsWith(Catalog.catalogLicensesUserAssignmentCreate({ licenseId: l.id, requestBody: { license_id: l.id, user_id: 99 } }), 404);
  await rejectsWith(Catalog.catalogLicensesUserAssignmentCreate({ licenseId: l.id, requestBody: { license_id: l.id } }), 400, {
    non_field_errors: ['Either user_id or email is required.'],
  });
  // email is an EmailField: a malformed one takes no (email-only) seat.
  await rejectsWith(Catalog.catalogLicensesUserAssignmentCreate({ licenseId: l.id, requestBody: { license_id: l.id, email: 'not-an-email' } }), 400, {
    email: ['Enter a valid email address.'],
  });
  await rejectsWith(Catalog.catalogLicensesUserAssignmentRetrieve({ licenseId: 999999 }), 404, { detail: 'Not found.' });
  // A license of another platform than the one named does not exist for the request.
  await rejectsWith(Catalog.catalogLicensesUserAssignmentRetrieve({ licenseId: l.id, platformKey: newOrg('asg-other') }), 404);

  // An inactive license takes no new seats, whatever its count.
  await Catalog.catalogLicensesUserUpdateCreate({ requestBody: { license_id: l.id, active: false, count: 10 } });
  await rejectsWith(Catalog.catalogLicensesUserAssignmentCreate({ licenseId: l.id, requestBody: { license_id: l.id, user_id: 3 } }), 400, {
    license_id: ['This license is not active.'],
  });
});

test('user assignment check (catalog_licenses_user_assignment_check_retrieve) is public: 200 with a seat, 404 without, 400 for a bad email', async () => {
  const { pk, email } = await setup('asg-check');
  const l = await Catalog.catalogLicensesUserCreateCreate({ requestBody: { platform_key: pk, count: 5 } });
  const a = await Catalog.catalogLicensesUserAssignmentCreate({ licenseId: l.id, requestBody: { license_id: l.id, user_id: 1 } });
  await Catalog.catalogLicensesUserAssignmentCreate({ licenseId: l.id, requestBody: { license_id: l.id, email: `late@${pk}.test`, active: false } });

  await withoutAuth(async () => {
    assert.equal(await Catalog.catalogLicensesUserAssignmentCheckRetrieve({ email: email(1) }), undefined, '200 without a body');
    await rejectsWith(Catalog.catalogLicensesUserAssignmentCheckRetrieve({ email: email(2) }), 404, undefined);
    await rejectsWith(Catalog.catalogLicensesUserAssignmentCheckRetrieve({ email: `late@${pk}.test` }), 404, undefined);
    await rejectsWith(Catalog.catalogLicensesUserAssignmentCheckRetrieve({ email: 'not-an-email' }), 400, {
      email: ['Enter a valid email address.'],
    });
    await rejectsWith(Catalog.catalogLicensesUserAssignmentCheckRetrieve({}), 400);
  });

  // The seat goes, and with it the check's 200; so does an expired license's.
  await Catalog.catalogLicensesUserAssignmentDestroy({ assignmentId: a.id, licenseId: l.id });
  await withoutAuth(() => rejectsWith(Catalog.catalogLicensesUserAssignmentCheckRetrieve({ email: email(1) }), 404));
  const old = await Catalog.catalogLicensesUserCreateCreate({ requestBody: { platform_key: pk, count: 1 } });
  await Catalog.catalogLicensesUserAssignmentCreate({ licenseId: old.id, requestBody: { license_id: old.id, user_id: 3 } });
  await withoutAuth(() => Catalog.catalogLicensesUserAssignmentCheckRetrieve({ email: email(3) }));
  await Catalog.catalogLicensesUserUpdateCreate({ requestBody: { license_id: old.id, expired: '2020-01-01T00:00:00Z' } });
  await withoutAuth(() => rejectsWith(Catalog.catalogLicensesUserAssignmentCheckRetrieve({ email: email(3) }), 404));
});

test('user group assignments (catalog_licenses_user_assignment_group_*): one seat per member; short of seats writes nothing; delete removes the members', async () => {
  const { pk, email } = await setup('asg-user-group');
  const l = await Catalog.catalogLicensesUserCreateCreate({ requestBody: { platform_key: pk, name: 'Team', count: 4 } });

  const sales = await Catalog.catalogLicensesUserAssignmentGroupCreate({
    licenseId: l.id,
    requestBody: { license_id: l.id, group_id: 10 },
  });
  assert.deepEqual(sales, {
    id: sales.id,
    group_id: 10,
    group_name: 'Sales',
    active: true,
    fulfilled: false,
    redirect_to: null,
    metadata: {},
    license_id: l.id,
    license_name: 'Team',
    platform_key: pk,
  });
  const members = await Catalog.catalogLicensesUserAssignmentRetrieve({ licenseId: l.id });
  assert.deepEqual(assertCatalogPage(members, { count: 3 }).map((a) => [a.user_id, a.email, a.active]), [
    [1, email(1), true],
    [2, email(2), true],
    [3, email(3), true],
  ]);
  assert.deepEqual(await userSeats(pk, l.id), { usage_count: 3, total: 3, active: 3, pending: 3 });

  // Ops needs two seats, one is free: a 400, and nothing is written.
  await rejectsWith(Catalog.catalogLicensesUserAssignmentGroupCreate({ licenseId: l.id, requestBody: { license_id: l.id, group_id: 20 } }), 400, {
    detail: 'Not enough seats available on this license: 3 of 4 in use, 2 more requested.',
  });
  const groups = await Catalog.catalogLicensesUserAssignmentGroupRetrieve({ licenseId: l.id, platformKey: pk });
  assert.deepEqual(assertCatalogPage(groups, { count: 1 }), [sales]);
  assert.equal((await Catalog.catalogLicensesUserAssignmentRetrieve({ licenseId: l.id })).count, 3);

  await rejectsWith(Catalog.catalogLicensesUserAssignmentGroupCreate({ licenseId: l.id, requestBody: { license_id: l.id, group_id: 99 } }), 404);
  await rejectsWith(Catalog.catalogLicensesUserAssignmentGroupCreate({ licenseId: l.id, requestBody: { license_id: l.id } }), 400, {
    group_id: ['This field is required.'],
  });

  // Delete (remove_user_assignments defaults to true): the members' seats go.
  const del = await Catalog.catalogLicensesUserAssignmentGroupDestroy({ assignmentId: sales.id, licenseId: l.id });
  assert.equal(del, undefined, '200 without a body');
  assertCatalogPage(await Catalog.catalogLicensesUserAssignmentRetrieve({ licenseId: l.id }), { count: 0 });
  assertCatalogPage(await Catalog.catalogLicensesUserAssignmentGroupRetrieve({ licenseId: l.id }), { count: 0 });
  await rejectsWith(Catalog.catalogLicensesUserAssignmentGroupDestroy({ assignmentId: sales.id, licenseId: l.id }), 404);
  // Now Ops fits.
  const ops = await Catalog.catalogLicensesUserAssignmentGroupCreate({ licenseId: l.id, requestBody: { license_id: l.id, group_id: 20 } });
  assert.equal(ops.group_name, 'Ops');
  assert.deepEqual(await userSeats(pk, l.id), { usage_count: 2, total: 2, active: 2, pending: 2 });
});

test('course license assignments (catalog_licenses_course_assignment_*): direct and group seats; a group delete keeps direct assignments', async () => {
  const { pk, email } = await setup('asg-course');
  const course = `course-v1:${pk}+DS101+2026`;
  const l = await Catalog.catalogLicensesCourseCreateCreate({ requestBody: { platform_key: pk, course_id: course, name: 'DS', count: 3 } });

  const direct = await Catalog.catalogLicensesCourseAssignmentCreate({
    licenseId: l.id,
    platformKey: pk,
    requestBody: { license_id: l.id, email: email(1), redirect_to: 'https://learn.example/ds' },
  });
  assert.deepEqual(direct, {
    id: direct.id,
    user_id: 1,
    username: 'user1',
    email: email(1),
    active: true,
    fulfilled: false,
    redirect_to: 'https://learn.example/ds',
    metadata: {},
    license_id: l.id,
    license_name: 'DS',
    course_id: course,
  });

  // Sales = {1, 2, 3}: user1 keeps the seat it holds, 2 and 3 take the last two.
  const g = await Catalog.catalogLicensesCourseAssignmentGroupCreate({ licenseId: l.id, requestBody: { license_id: l.id, group_id: 10 } });
  assert.deepEqual(g, {
    id: g.id,
    group_id: 10,
    group_name: 'Sales',
    active: true,
    fulfilled: false,
    redirect_to: null,
    metadata: {},
    license_id: l.id,
    license_name: 'DS',
    course_id: course,
  });
  assert.deepEqual(await courseSeats(pk, l.id), { usage_count: 3, total: 3, active: 3, pending: 3 });
  const list = await Catalog.catalogLicensesCourseAssignmentRetrieve({ licenseId: l.id, platformKey: pk });
  assert.deepEqual(assertCatalogPage(list, { count: 3 }).map((a) => a.username), ['user1', 'user2', 'user3']);
  assert.deepEqual(list.results[0], direct);
  await rejectsWith(Catalog.catalogLicensesCourseAssignmentCreate({ licenseId: l.id, requestBody: { license_id: l.id, user_id: 4 } }), 400, {
    detail: 'Not enough seats available on this license: 3 of 3 in use, 1 more requested.',
  });

  assert.deepEqual(
    assertCatalogPage(await Catalog.catalogLicensesCourseAssignmentGroupRetrieve({ licenseId: l.id }), { count: 1 }),
    [g],
  );
  await Catalog.catalogLicensesCourseAssignmentGroupDestroy({ assignmentId: g.id, licenseId: l.id });
  const left = await Catalog.catalogLicensesCourseAssignmentRetrieve({ licenseId: l.id });
  assert.deepEqual(assertCatalogPage(left, { count: 1 }), [direct], 'the direct assignment stays');
  assert.deepEqual(await courseSeats(pk, l.id), { usage_count: 1, total: 1, active: 1, pending: 1 });

  assert.equal(await Catalog.catalogLicensesCourseAssignmentDestroy({ assignmentId: direct.id, licenseId: l.id }), undefined);
  assert.deepEqual(await courseSeats(pk, l.id), { usage_count: 0, total: 0, active: 0, pending: 0 });
  // Ids are per kind: on this platform (which has no user licenses) a user
  // assignment with the course assignment's id does not exist. (Without the
  // platform it could name another platform's, which the key may touch.)
  await rejectsWith(Catalog.catalogLicensesUserAssignmentDestroy({ assignmentId: direct.id, platformKey: pk }), 404);
});

test('program license assignments (catalog_licenses_program_assignment_*): by username, filters, user_count / assigned_count, remove_user_assignments', async () => {
  const { pk, email } = await setup('asg-program');
  const l = await Catalog.catalogLicensesProgramCreateCreate({
    requestBody: { platform_key: pk, program_key: `${pk}+mba`, name: 'MBA', count: 5 },
  });

  const four = await Catalog.catalogLicensesProgramAssignmentCreate({ licenseId: l.id, requestBody: { license_id: l.id, username: 'user4' } });
  assert.match(four.created, timestamp);
  assert.deepEqual(four, {
    id: four.id,
    user_id: 4,
    username: 'user4',
    name: 'User 4',
    email: email(4),
    active: true,
    fulfilled: false,
    direct: true,
    redirect_to: null,
    metadata: {},
    created: four.created,
    modified: four.created,
    license_id: l.id,
    license_name: 'MBA',
    program_key: `${pk}+mba`,
  });
  await rejectsWith(Catalog.catalogLicensesProgramAssignmentCreate({ licenseId: l.id, requestBody: { license_id: l.id, username: 'ghost' } }), 404);

  const sales = await Catalog.catalogLicensesProgramAssignmentGroupCreate({ licenseId: l.id, requestBody: { license_id: l.id, group_id: 10 } });
  assert.deepEqual(sales, {
    id: sales.id,
    group_id: 10,
    group_name: 'Sales',
    active: true,
    fulfilled: false,
    redirect_to: null,
    metadata: {},
    created: sales.created,
    modified: sales.created,
    license_id: l.id,
    license_name: 'MBA',
    program_key: `${pk}+mba`,
    program_name: 'mba',
    user_count: 3,
    assigned_count: 3,
  });
  const all = await Catalog.catalogLicensesProgramAssignmentRetrieve({ licenseId: l.id, platformKey: pk });
  assert.deepEqual(assertCatalogPage(all, { count: 4 }).map((a) => [a.username, a.direct]), [
    ['user4', true],
    ['user1', false],
    ['user2', false],
    ['user3', false],
  ]);
  // The list's own filters (the generated method declares them).
  const only = async (params) =>
    (await Catalog.catalogLicensesProgramAssignmentRetrieve({ licenseId: l.id, ...params })).results.map((a) => a.username);
  assert.deepEqual(await only({ email: email(2) }), ['user2']);
  assert.deepEqual(await only({ userId: 3 }), ['user3']);
  assert.deepEqual(await only({ sort: '-username' }), ['user4', 'user3', 'user2', 'user1']);
  await Catalog.catalogLicensesProgramAssignmentCreate({ licenseId: l.id, requestBody: { license_id: l.id, user_id: 2, fulfilled: true } });
  assert.deepEqual(await only({ fulfilled: true }), ['user2']);
  assert.deepEqual(await only({ active: false }), []);
  assert.deepEqual(await programSeats(pk, l.id), { usage_count: 4, total: 4, active: 4, pending: 3 });

  // Ops = {4, 5}: user4 already has a seat, so only user5 takes one.
  const ops = await Catalog.catalogLicensesProgramAssignmentGroupCreate({ licenseId: l.id, requestBody: { license_id: l.id, group_id: 20 } });
  assert.deepEqual([ops.user_count, ops.assigned_count], [2, 2]);
  assert.deepEqual(await programSeats(pk, l.id), { usage_count: 5, total: 5, active: 5, pending: 4 });
  const groups = await Catalog.catalogLicensesProgramAssignmentGroupRetrieve({ licenseId: l.id, platformKey: pk });
  assert.deepEqual(assertCatalogPage(groups, { count: 2 }).map((g) => g.group_name), ['Sales', 'Ops']);
  const byGroup = await Catalog.catalogLicensesProgramAssignmentGroupRetrieve({ licenseId: l.id, groupId: 20 });
  assert.deepEqual(byGroup.results, [ops]);

  // remove_user_assignments=false: the group goes, its members keep their seats.
  await Catalog.catalogLicensesProgramAssignmentGroupDestroy({ assignmentId: sales.id, licenseId: l.id, removeUserAssignments: false });
  assert.deepEqual((await Catalog.catalogLicensesProgramAssignmentGroupRetrieve({ licenseId: l.id })).results.map((g) => g.id), [ops.id]);
  assert.equal((await Catalog.catalogLicensesProgramAssignmentRetrieve({ licenseId: l.id })).count, 5);
  // The client's default (true): user5 goes, user4 (a direct assignment) stays.
  await Catalog.catalogLicensesProgramAssignmentGroupDestroy({ assignmentId: ops.id, licenseId: l.id });
  assert.deepEqual(await only({}), ['user4', 'user1', 'user2', 'user3']);
  assert.deepEqual(await programSeats(pk, l.id), { usage_count: 4, total: 4, active: 4, pending: 3 });

  // Deactivating an assignment frees its seat but keeps it listed.
  await Catalog.catalogLicensesProgramAssignmentCreate({ licenseId: l.id, requestBody: { license_id: l.id, user_id: 1, active: false } });
  assert.deepEqual(await only({ active: false }), ['user1']);
  assert.deepEqual(await programSeats(pk, l.id), { usage_count: 3, total: 4, active: 3, pending: 2 });
  await rejectsWith(Catalog.catalogLicensesProgramUpdateCreate({ requestBody: { license_id: l.id, count: 2 } }), 400, {
    count: ['Ensure this value is greater than or equal to 3, the seats in use.'],
  });

  assert.equal(await Catalog.catalogLicensesProgramAssignmentDestroy({ assignmentId: four.id, licenseId: l.id }), undefined);
  assert.deepEqual(await only({}), ['user1', 'user2', 'user3']);
  await rejectsWith(Catalog.catalogLicensesProgramAssignmentDestroy({ assignmentId: four.id, licenseId: l.id }), 404);
});
