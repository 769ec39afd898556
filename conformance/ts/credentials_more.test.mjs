// Images, assignments, course credentials, analytics and course
// export/import through the vendor's generated client, where it can express
// the call. It cannot send a multipart upload, the image search's query or
// the assignment and import bodies (the spec declares none), so those go
// through fetch; the client's own calls show what it gets instead. These
// tests never move the fake's clock: other files run in parallel.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { CredentialsService as Credentials, OpenAPI } from '@iblai/iblai-api';
import { API_KEY, newOrg, ok, rejectsWith, useFake } from './support.mjs';

const userId = 'admin';
const course = 'course-v1:acme+DS101+2026';
// A 1×1 PNG.
const png = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

before(useFake);

/** call sends a request the generated client cannot express. */
async function call(method, path, body) {
  const headers = { Authorization: `Api-Token ${API_KEY}` };
  if (body !== undefined && !(body instanceof FormData)) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(body);
  }
  const res = await fetch(OpenAPI.BASE + path, { method, headers, body });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

async function setup(label) {
  const org = newOrg(label);
  const { result: issuer } = await Credentials.credentialsOrgsUsersIssuersCreate({
    org,
    userId,
    requestBody: { name: 'Acme Academy' },
  });
  const { result: cr } = await Credentials.credentialsOrgsUsersCreate({
    org,
    userId,
    requestBody: { name: 'Data Science', issuer: issuer.entityId, courses: [course] },
  });
  return { org, cr };
}

test('images (credentials_orgs_users_images_create/_retrieve): multipart upload served back; the client JSON upload and query-less search are 400s', async () => {
  const org = newOrg('images');
  await rejectsWith(
    Credentials.credentialsOrgsUsersImagesCreate({ org, userId, requestBody: { name: 'Logo' } }),
    400,
    { image: ['No file was submitted.'] },
  );
  const form = new FormData();
  form.append('image', new Blob([png], { type: 'image/png' }), 'logo.png');
  form.append('name', 'Logo');
  const up = await call('POST', `/api/credentials/orgs/${org}/users/${userId}/images/`, form);
  assert.equal(up.status, 200);
  assert.deepEqual(Object.keys(up.body).sort(), ['id', 'image', 'name']);
  assert.equal(up.body.name, 'Logo');
  const img = await fetch(up.body.image);
  assert.equal(img.status, 200);
  assert.equal(img.headers.get('content-type'), 'image/png');
  assert.deepEqual(Buffer.from(await img.arrayBuffer()), png);

  await rejectsWith(Credentials.credentialsOrgsUsersImagesRetrieve({ org, userId }), 400, {
    query: ['This field is required.'],
  });
  const found = await call('GET', `/api/credentials/orgs/${org}/users/${userId}/images/?query=lo`);
  assert.deepEqual(found.body, [up.body]);

  // The vendor LMS attaches the upload to a credential by its id alone
  // (credentials-card.tsx); the credential then shows that image
  // (FIDELITY.md, C5).
  const { result: issuer } = await Credentials.credentialsOrgsUsersIssuersCreate({ org, userId, requestBody: { name: 'Acme' } });
  const { result: cr } = await Credentials.credentialsOrgsUsersCreate({
    org,
    userId,
    requestBody: {
      name: 'Data Science',
      description: 'd',
      issuer: issuer.entityId,
      credentialType: 'COURSE_CERTIFICATE',
      issuing_signal: 'COURSE_COMPLETED',
      courses: [course],
      icon_image_id: up.body.id,
    },
  });
  assert.deepEqual([cr.iconImage, cr.icon_image_id, cr.credentialType, cr.signal], [up.body.image, up.body.id, 'COURSE_CERTIFICATE', 'COURSE_COMPLETED']);
});

test('analytics (credentials_orgs_users_*_over_time_retrieve) count stored state per day', async () => {
  const { org, cr } = await setup('analytics');
  await Credentials.credentialsOrgsUsersAssertionsCreate({
    org,
    userId,
    entityId: cr.entityId,
    requestBody: { recipient: { identity: 'ann' }, course },
  });
  await Credentials.credentialsOrgsUsersAssertionsCreate({
    org,
    userId,
    entityId: cr.entityId,
    requestBody: { recipient: { identity: 'bob' } },
  });
  const today = new Date().toISOString().slice(0, 10);
  const range = { org, userId, startDate: today, endDate: today, includeMainPlatform: false };
  const a = await Credentials.credentialsOrgsUsersAssertionsOverTimeRetrieve(range);
  assert.deepEqual(a.data, { [today]: 2 });
  assert.equal(a.total, 2);
  assert.equal(a.meta.total, 2);
  assert.equal(a.meta.change_last_seven_days, 2);
  const ca = await Credentials.credentialsOrgsUsersCourseAssertionsOverTimeRetrieve(range);
  assert.deepEqual(ca.data, { [today]: 1 });
  const cr2 = await Credentials.credentialsOrgsUsersCredentialsOverTimeRetrieve(range);
  assert.deepEqual(cr2.data, { [today]: 1 });
});

test('course credentials (credentials_orgs_users_course_credentials_list) are grouped by course and paged', async () => {
  const { org, cr } = await setup('coursecreds');
  const res = await Credentials.credentialsOrgsUsersCourseCredentialsList({ org, userId, page: 1, pageSize: 5 });
  assert.deepEqual(res.status, ok('Ok'));
  assert.equal(res.result.count, 1);
  assert.equal(res.result.results[0].course_id, course);
  assert.deepEqual(res.result.results[0].credentials, [cr]);
});

test('export/import (credentials_exim_credentials_course_*): export answers what import takes', async () => {
  const { cr } = await setup('exim');
  const courseId = `course-v1:${cr.issuerDetails.org}+EX1+2026`;
  await Credentials.credentialsOrgsUsersUpdate({
    org: cr.issuerDetails.org,
    userId,
    entityId: cr.entityId,
    requestBody: { courses: [courseId] },
  });
  const exp = await Credentials.credentialsEximCredentialsCourseExportRetrieve({ courseId });
  assert.equal(exp.course_id, courseId);
  assert.deepEqual(exp.credentials.map((c) => c.entityId), [cr.entityId]);
  await rejectsWith(Credentials.credentialsEximCredentialsCourseImportCreate({ courseId }), 400);
  const imp = await call('POST', `/api/credentials/exim/credentials/course/${courseId}/import/`, exp);
  assert.equal(imp.status, 201);
  assert.deepEqual(imp.body.result.imported_credentials, [{ entityId: cr.entityId, name: cr.name, status: 'updated' }]);
});

test('assignments (credentials_orgs_users_assignments_*): assign users, list, delete', async () => {
  const { org, cr } = await setup('assign');
  const seeded = await call('PUT', '/_fake/credential-groups', {
    org,
    users: [{ user_id: 7, username: 'ada' }],
    groups: [{ id: 'g1', name: 'Group 1', members: [7] }],
  });
  assert.equal(seeded.status, 200);
  await rejectsWith(Credentials.credentialsOrgsUsersAssignmentsUsersCreate({ org, userId }), 400, {
    credential_id: ['This field is required.'],
    user_ids: ['This field is required.'],
  });
  const made = await call('POST', `/api/credentials/orgs/${org}/users/${userId}/assignments/users/`, {
    credential_id: cr.entityId,
    user_ids: [7],
  });
  assert.equal(made.status, 200);
  const assignment = made.body.result.successful_assignments[0];

  const users = await Credentials.credentialsOrgsUsersAssignmentsUsersRetrieve({ org, userId });
  assert.deepEqual(users.result.data.map((u) => [u.username, u.status]), [['ada', 'COMPLETED']]);
  const groups = await Credentials.credentialsOrgsUsersAssignmentsGroupsRetrieve({ org, userId });
  assert.equal(groups.result.count, 0);
  await rejectsWith(Credentials.credentialsOrgsUsersAssignmentsGroupsCreate({ org, userId }), 400, {
    credential_id: ['This field is required.'],
    group_ids: ['This field is required.'],
  });

  const del = await Credentials.credentialsOrgsUsersAssignmentsDestroy({ org, userId, assignmentId: assignment.entity_id });
  assert.deepEqual(del, { status: ok('Deleted') });
  await rejectsWith(
    Credentials.credentialsOrgsUsersAssertionsRetrieve2({ org, userId, entityId: assignment.assertion.entityId }),
    404,
  );
});

test('group assignments (credentials_orgs_users_assignments_groups_retrieve): a new one is PENDING; only admins list them', async () => {
  const { org, cr } = await setup('groups');
  await call('PUT', '/_fake/credential-groups', {
    org,
    users: [{ user_id: 7, username: 'ada' }, { user_id: 8, username: 'bob' }],
    groups: [{ id: 'cohort', name: 'Cohort A', members: [7, 8] }],
  });
  const made = await call('POST', `/api/credentials/orgs/${org}/users/${userId}/assignments/groups/`, {
    credential_id: cr.entityId,
    group_ids: ['cohort'],
  });
  assert.equal(made.status, 200);
  assert.deepEqual(made.body.status, ok('Accepted'));

  const res = await Credentials.credentialsOrgsUsersAssignmentsGroupsRetrieve({ org, userId });
  assert.deepEqual(res.status, ok('Ok'));
  assert.equal(res.result.count, 1);
  const [ga] = res.result.data;
  assert.deepEqual(ga, made.body.result.successful_assignments[0]);
  assert.deepEqual([ga.group_id, ga.group_name, ga.status, ga.credential_id], ['cohort', 'Cohort A', 'PENDING', cr.entityId]);

  await rejectsWith(Credentials.credentialsOrgsUsersAssignmentsGroupsRetrieve({ org, userId: 'bob' }), 403, {
    detail: 'You do not have permission to perform this action.',
  });
});

test('analytics with a past range are zero-filled; a malformed date is a 400 on the field', async () => {
  const org = newOrg('analytics');
  const ranged = await Credentials.credentialsOrgsUsersCredentialsOverTimeRetrieve({
    org,
    userId,
    startDate: '2020-01-01',
    endDate: '2020-01-03',
  });
  assert.deepEqual(ranged, { data: { '2020-01-01': 0, '2020-01-02': 0, '2020-01-03': 0 }, total: 0 });
  await rejectsWith(Credentials.credentialsOrgsUsersAssertionsOverTimeRetrieve({ org, userId, startDate: 'March' }), 400, {
    start_date: ['Date has wrong format. Use one of these formats instead: YYYY-MM-DD.'],
  });
});
