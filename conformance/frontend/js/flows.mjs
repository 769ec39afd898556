// The UI flows: what a vendor component does, call by call, with the
// component's own arguments (copied from @iblai/web-containers 1.1.3 and
// @iblai/web-utils 1.1.2, named beside each flow), checking what the
// component checks. A flow passes end to end when every step does; the
// first failing step is its verdict.
import { DL, TOKEN, fakeFetch } from './dl.mjs';

const PENDING = ['pending', 'running', 'accumulating', 'processing', 'storing'];

/**
 * call dispatches an endpoint and returns its data when the fake answered
 * 2xx and the data layer handed it on; else the step fails with what
 * happened.
 */
async function call(x, step, slice, endpoint, args) {
  const rec = await x.dispatch(slice, endpoint, args);
  const last = rec.requests.at(-1);
  const ok = last && last.status < 400 && !rec.error && !rec.thrown;
  const detail = last
    ? `${last.method} ${last.path} answered ${last.status}${rec.error ? `, the data layer reported ${JSON.stringify(rec.error).slice(0, 160)}` : ''}`
    : `no request reached the fake (${rec.refused[0] ?? JSON.stringify(rec.error ?? rec.thrown ?? '').slice(0, 160)})`;
  x.step(step, ok, detail);
  return rec.data;
}

/** expect is one check of a step: cond, or the step fails saying what was found. */
function expect(x, step, cond, found) {
  x.step(step, Boolean(cond), cond ? 'ok' : found);
}

const show = (v) => JSON.stringify(v)?.slice(0, 160);

/** bundled is the data layer's own generated client (4.95.5), pointed at the fake as its endpoints point it. */
async function bundled(x, step, service, method, args, { status } = {}) {
  const OpenAPI = DL.__OpenAPI;
  OpenAPI.BASE = x.FAKE;
  OpenAPI.HEADERS = { Authorization: `Token ${await x.storage.getItem('dm_token')}` };
  try {
    const out = await DL[`__${service}`][method](args);
    x.step(step, status === undefined, status === undefined ? 'ok' : `answered 2xx, not ${status}`);
    return out;
  } catch (e) {
    const ok = status !== undefined && e.status === status;
    x.step(step, ok, `${method} answered ${e.status ?? ''} ${show(e.body ?? e.message)}`);
    return e;
  } finally {
    OpenAPI.HEADERS = undefined;
  }
}

export const FLOWS = [
  {
    name: 'invite a user by email',
    component: 'web-containers InviteUserDialog > UsersTab',
    async run(x) {
      const page = { platformKey: x.org, page: 1, pageSize: 5 };
      const before = await call(x, 'list invitations', 'platformApiSlice', 'platformInvitations', page);
      expect(x, 'the list has a count', typeof before?.count === 'number', `count is ${show(before?.count)}`);
      const email = 'flow.invitee@example.com';
      await call(x, 'invite', 'platformApiSlice', 'inviteUser', {
        requestBody: { email, platform_key: x.org, redirect_to: 'http://localhost:3000/', source: x.user },
      });
      const after = await call(x, 'list again', 'platformApiSlice', 'platformInvitations', page);
      const top = after?.results?.[0];
      expect(x, 'the invitation is first on page 1', top?.email === email, `first is ${show(top?.email)}`);
      expect(x, 'shown Pending (active, not expired)', top?.active === true && !top?.expired, `active ${show(top?.active)}, expired ${show(top?.expired)}`);
      expect(x, 'count + 1', after?.count === before.count + 1, `count ${before.count} -> ${show(after?.count)}`);
    },
  },
  ...['course', 'program'].map((kind) => ({
    name: `invite users to a ${kind} through the picker`,
    component: `web-containers ${kind === 'course' ? 'CoursesTab' : 'ProgramsTab'}`,
    async run(x) {
      const users = await call(x, 'open the user picker', 'platformApiSlice', 'platformUsers', { platform_key: x.org, page: 1, page_size: 50 });
      const user = users?.results?.find((u) => u.email && u.username !== x.user);
      expect(x, 'the picker lists users with emails', user, `results ${show(users?.results?.slice(0, 2))}`);
      // The picker's search before the user types: query ''.
      const search = (query) => call(x, `search ${kind}s${query ? ` for "${query}"` : ''}`, 'searchApiSlice', 'getPersonnalizedSearch', [{
        username: x.user, content: [`${kind}s`], query, returnFacet: false, tenant: x.org,
      }]);
      const picked = (d) => d?.results?.filter((item) => item.type === kind).map((item) => item.data) ?? [];
      const all = picked(await search(''));
      const keyField = kind === 'course' ? 'course_id' : 'program_key';
      expect(x, `the picker lists the tenant's ${kind}s`, all.length > 0 && all.every((d) => d?.id !== undefined && d?.[keyField] && d?.name),
        `${kind}s ${show(all.slice(0, 2))}`);
      const target = all[0];
      expect(x, `a ${kind} shows its name, not its key`, target.name !== target[keyField], `name ${show(target.name)}`);
      const word = target.name.split(/\s+/).find((w) => w.length > 3) ?? target.name;
      const typed = picked(await search(word));
      expect(x, `typing "${word}" keeps the ${kind}`, typed.some((d) => d[keyField] === target[keyField]), `${typed.length} ${kind}s`);
      const none = picked(await search('zzqx-no-such-thing'));
      expect(x, 'typing what matches nothing lists nothing', none.length === 0, `${none.length} ${kind}s`);
      const list = kind === 'course' ? 'getCatalogInvitationsCourse' : 'getCatalogInvitationsProgram';
      const listArgs = kind === 'course' ? { platformKey: x.org, page: 1, pageSize: 5 } : { platform_key: x.org, page: 1, page_size: 5 };
      const before = await call(x, `list ${kind} invitations`, 'catalogApiSlice', list, listArgs);
      await call(x, `send the bulk ${kind} invitation`, 'catalogApiSlice',
        kind === 'course' ? 'createCatalogInvitationCourseBulk' : 'createCatalogInvitationProgramBulk',
        { requestBody: { invitation_data: [{ [keyField]: target[keyField], email: user.email }], platform_key: x.org } });
      const after = await call(x, `list ${kind} invitations again`, 'catalogApiSlice', list, listArgs);
      const top = after?.results?.[0];
      expect(x, 'the invitation is first on page 1', top?.email === user.email && top?.[keyField] === target[keyField], `first ${show(top)}`);
      expect(x, 'count + 1', after?.count === before?.count + 1, `count ${show(before?.count)} -> ${show(after?.count)}`);
    },
  })),
  {
    name: 'notification preview and send',
    component: 'web-containers SendNotificationDialog',
    async run(x) {
      const users = await call(x, 'list recipients', 'platformApiSlice', 'platformUsers', { platform_key: x.org, page: 1, page_size: 50 });
      const user = users?.results?.find((u) => u.email);
      expect(x, 'a recipient with an email', user, `results ${show(users?.results?.slice(0, 2))}`);
      const preview = await call(x, 'preview', 'notificationsApiSlice', 'createNotificationPreview', {
        platformKey: x.org,
        requestBody: {
          template_data: { message_title: 'Course starts Monday', message_body: '<p>See you there.</p>' },
          sources: [{ type: 'email', data: user.email }],
          channels: [1],
        },
      });
      expect(x, 'previewResponse.status === "success"', preview?.status === 'success', `status ${show(preview?.status)}`);
      expect(x, 'the preview has a build_id', preview?.build_id !== undefined && preview?.build_id !== null, `build_id ${show(preview?.build_id)}`);
      const sent = await call(x, 'send', 'notificationsApiSlice', 'sendNotification', { platformKey: x.org, requestBody: { build_id: preview.build_id } });
      expect(x, 'sendResponse.status === "success"', sent?.status === 'success', `status ${show(sent?.status)}`);
      expect(x, 'notifications_sent is a number', typeof sent?.notifications_sent === 'number', `notifications_sent ${show(sent?.notifications_sent)}`);
    },
  },
  {
    name: 'notification bell',
    component: 'web-containers NotificationDropdown',
    async run(x) {
      // A notification for the signed-in user, sent as the send dialog sends it.
      const preview = await call(x, 'preview one for the user', 'notificationsApiSlice', 'createNotificationPreview', {
        platformKey: x.org,
        requestBody: { template_data: { message_title: 'Grades are out', message_body: '<p>See your transcript.</p>' }, sources: [{ type: 'username', data: x.user }], channels: [1] },
      });
      await call(x, 'send it', 'notificationsApiSlice', 'sendNotification', { platformKey: x.org, requestBody: { build_id: preview?.build_id } });
      const who = { org: x.org, userId: x.user };
      const badge = await call(x, 'the bell', 'notificationsApiSlice', 'getNotificationsCount', { ...who, status: 'UNREAD' });
      expect(x, 'the bell counts it', badge?.count >= 1, `count ${show(badge?.count)}`);
      const list = await call(x, 'open the dropdown', 'notificationsApiSlice', 'getNotifications', who);
      const listed = list?.results ?? [];
      expect(x, 'the dropdown lists it', listed.some((n) => n.status === 'UNREAD' && (n.context?.template_data?.message_title ?? n.title) === 'Grades are out'),
        `results ${show(listed.slice(0, 2))}`);
      // handleMarkAllAsRead: the ids the dropdown lists.
      await call(x, 'mark all as read', 'notificationsApiSlice', 'markAllAsRead', { platformKey: x.org, requestBody: { notification_ids: listed.map((n) => n.id) } });
      const again = await call(x, 'reopen the dropdown', 'notificationsApiSlice', 'getNotifications', who);
      expect(x, 'every listed one is read', (again?.results ?? []).every((n) => n.status === 'READ'), `statuses ${show((again?.results ?? []).map((n) => n.status))}`);
      const after = await call(x, 'the bell again', 'notificationsApiSlice', 'getNotificationsCount', { ...who, status: 'UNREAD' });
      expect(x, 'the bell is empty', after?.count === 0, `count ${show(after?.count)}`);
    },
  },
  {
    name: 'notification template edit',
    component: 'web-containers AlertsTab > EditAlertDialog',
    async run(x) {
      const list = await call(x, 'list templates', 'notificationsCustomApiSlice', 'getTemplates', { platformKey: x.org });
      expect(x, 'the tab lists templates', Array.isArray(list) && list.length > 0, `templates ${show(list)}`);
      const t = list[0];
      const details = await call(x, 'open a template', 'notificationsCustomApiSlice', 'getTemplateDetails', { platformKey: x.org, notificationType: t.type });
      expect(x, 'the details have message_body', typeof details?.message_body === 'string', `message_body ${show(details?.message_body)}`);
      await call(x, 'toggle it', 'notificationsCustomApiSlice', 'toggleTemplate', { platformKey: x.org, notificationType: t.type, allow_notification: !t.is_enabled });
      const again = await call(x, 'list templates again', 'notificationsCustomApiSlice', 'getTemplates', { platformKey: x.org });
      const t2 = again?.find?.((y) => y.id === t.id);
      expect(x, 'the list shows the new state', t2 && t2.is_enabled === !t.is_enabled, `is_enabled ${show(t.is_enabled)} -> ${show(t2?.is_enabled)}`);
      await call(x, 'edit the title', 'notificationsCustomApiSlice', 'updateTemplate', {
        platformKey: x.org, notificationType: t.type, template: { message_title: 'Welcome aboard', email_html_template: '<p>Welcome aboard</p>' },
      });
      const reopened = await call(x, 'reopen it', 'notificationsCustomApiSlice', 'getTemplateDetails', { platformKey: x.org, notificationType: t.type });
      expect(x, 'the edit shows', reopened?.message_title === 'Welcome aboard', `message_title ${show(reopened?.message_title)}`);
    },
  },
  {
    name: 'report generate and download',
    component: 'web-containers AnalyticsReports (useReports)',
    async run(x) {
      const reports = await call(x, 'list reports', 'reportsApiSlice', 'getReports', { key: x.org });
      const report = reports?.data?.find((r) => r.report_name);
      expect(x, 'the page lists reports', report, `data ${show(reports?.data?.slice(0, 1))}`);
      const created = await call(x, 'request one', 'reportsApiSlice', 'createReport', { key: x.org, requestBody: { report_name: report.report_name } });
      let state = created?.data?.state;
      let url = created?.data?.url;
      expect(x, 'the request is under way', [...PENDING, 'completed'].includes(state), `state ${show(state)}`);
      // useReports polls every 3 s, at most 20 times: the fake's clock
      // moves 3 s between polls instead of the harness waiting.
      for (let i = 0; i < 20 && !(state === 'completed' && url); i++) {
        await fakeFetch('/_fake/clock', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ advance: '3s' }) });
        const detail = await call(x, `poll ${i + 1}`, 'reportsApiSlice', 'getReportDetail', { key: x.org, reportName: report.report_name });
        state = detail?.data?.status?.state;
        url = detail?.data?.status?.url;
        expect(x, `poll ${i + 1}: not an error state`, state && !['error', 'cancelled', 'expired'].includes(state), `state ${show(state)}`);
      }
      expect(x, 'the report completes with a URL', state === 'completed' && url, `state ${show(state)}, url ${show(url)}`);
      const u = new URL(url);
      expect(x, 'the download stays on the fake', u.origin === new URL(x.FAKE).origin, `url ${url}`);
      const res = await fakeFetch(u.pathname + u.search);
      expect(x, 'the download answers', res.ok, `GET ${u.pathname} answered ${res.status}`);
    },
  },
  {
    name: 'mentor app start',
    component: 'web-utils MentorProvider, useAdvancedChat',
    async run(x) {
      const recent = await call(x, 'recently accessed mentors', 'mentorApiSlice', 'getRecentlyAccessedMentors', { org: x.org, userId: x.user });
      // MentorProvider: starredMentors.length, recentMentors.length, unguarded.
      expect(x, 'starred_mentors and recent_mentors are lists', Array.isArray(recent?.starred_mentors) && Array.isArray(recent?.recent_mentors),
        `answer ${show(recent)}`);
      let mentor = recent.starred_mentors[0]?.unique_id ? recent.starred_mentors[0] : recent.recent_mentors[0];
      if (!mentor?.unique_id) {
        const listed = await call(x, 'list mentors', 'mentorApiSlice', 'getMentors', { org: x.org, username: x.user, limit: 10, orderBy: 'recently_accessed_at' });
        mentor = listed?.results?.[0];
      }
      expect(x, 'a mentor is chosen', mentor?.unique_id, `mentor ${show(mentor)}`);
      const pub = await call(x, 'public settings', 'mentorApiSlice', 'getMentorPublicSettings', { mentor: mentor.unique_id, org: x.org, userId: x.user });
      expect(x, 'the settings describe that mentor', pub?.mentor_unique_id === mentor.unique_id, `mentor_unique_id ${show(pub?.mentor_unique_id)} for ${mentor.unique_id}`);
      const perms = await call(x, 'permissions', 'coreApiSlice', 'getRbacPermissions', {
        requestBody: { platform_key: x.org, resources: ['/mentors/', `/mentors/${mentor.id ?? pub.mentor_id}/`, '/apitokens/'] },
      });
      expect(x, 'the permissions are an object', perms && typeof perms === 'object' && !Array.isArray(perms), `permissions ${show(perms)}`);
      const session = await call(x, 'start a chat', 'sessionApiSlice', 'createSessionId', { org: x.org, userId: x.user, requestBody: { mentor: mentor.unique_id } });
      expect(x, 'a session_id', typeof session?.session_id === 'string', `session ${show(session)}`);
      // useAdvancedChat restores with no userId: the path says users/undefined.
      await call(x, 'restore the chat', 'sessionApiSlice', 'getSessionId', { sessionId: session.session_id, org: x.org, share: true });
    },
  },
  {
    name: 'tenant boot',
    component: 'web-utils TenantProvider, AuthProvider',
    async run(x) {
      const domains = await call(x, 'custom domain of the page', 'customDomainApiSlice', 'getCustomDomains', { params: { domain: 'localhost' } });
      // TenantProvider reads custom_domains[0].platform_key when there is
      // one; an answer without custom_domains reads as none.
      expect(x, 'no custom domain for localhost', !(domains?.custom_domains?.length > 0), `answer ${show(domains)}`);
      const tenants = await call(x, "the user's tenants (LMS)", 'tenantApiSlice', 'getUserTenants', undefined);
      const tenant = Array.isArray(tenants) ? tenants.find((t) => t.key === x.org) : undefined;
      expect(x, 'the tenant is among them', tenant, `tenants ${show(tenants)}`);
      expect(x, 'the tenant says who the user is in it', tenant.username === x.user && typeof tenant.is_admin === 'boolean' && tenant.platform_name,
        `tenant ${show(tenant)}`);
      await call(x, "the user's apps", 'appApiSlice', 'getUserApps', { page: 1, pageSize: 50 });
      const meta = await call(x, 'tenant metadata', 'tenantApiSlice', 'getTenantMetadata', [{ org: tenant.key }]);
      expect(x, 'metadata is an object, of the tenant', meta?.platform_key === tenant.key && (meta.metadata === null || typeof meta.metadata === 'object'),
        `platform_key ${show(meta?.platform_key)}, metadata ${show(meta?.metadata)}`);
      const form = new FormData();
      form.append('platform_key', tenant.key);
      const tokens = await call(x, 'token exchange (LMS)', 'authApiSlice', 'getAppTokens', form);
      const dm = tokens?.data?.dm_token;
      expect(x, 'dm_token and axd_token with expiries', dm?.token && dm?.expires && tokens.data.axd_token?.token && tokens.data.axd_token?.expires,
        `answer ${show(tokens)}`);
      await x.storage.setItem('dm_token', dm.token);
      await x.storage.setItem('axd_token', tokens.data.axd_token.token);
      await call(x, 'a data-manager call with the new token', 'platformApiSlice', 'platformInvitations', { platformKey: tenant.key, page: 1, pageSize: 5 });
      const profile = await call(x, "the user's profile (LMS)", 'userApiSlice', 'getUserMetadata', { params: { username: x.user } });
      expect(x, 'the profile names the user', profile?.username === x.user && typeof profile?.email === 'string', `profile ${show(profile)}`);
      const mfe = await call(x, 'login providers (LMS)', 'authApiSlice', 'getMfeContext', undefined);
      expect(x, 'the MFE context has providers', Array.isArray((mfe?.context_data ?? mfe?.contextData)?.providers), `answer ${show(mfe)}`);
      await x.storage.setItem('dm_token', TOKEN);
      await x.storage.setItem('axd_token', TOKEN);
    },
  },
  {
    name: 'resume tab',
    component: 'web-containers ResumeTab',
    async run(x) {
      const who = { org: x.org, username: x.user };
      const resumeOf = (data) => (Array.isArray(data?.files) ? data.files : []).find((f) => f.type === 'resume' || f.name?.toLowerCase().includes('resume'));
      await call(x, 'open the tab', 'careerApiSlice', 'getUserResume', who);
      // handleFileChange: a PDF, as the form it builds.
      const form = new FormData();
      form.append('user', x.user);
      form.append('platform', x.org);
      form.append('resume', new File(['%PDF-1.4\n%%EOF\n'], 'My resume.pdf', { type: 'application/pdf' }));
      await call(x, 'upload a PDF', 'careerApiSlice', 'createUserResume', { ...who, resume: form, method: 'POST' });
      const after = await call(x, 'refetch', 'careerApiSlice', 'getUserResume', who);
      const resume = resumeOf(after);
      expect(x, 'the tab shows the resume', resume?.url, `files ${show(after?.files)}`);
      const u = new URL(resume.url);
      expect(x, 'the resume stays on the fake', u.origin === new URL(x.FAKE).origin, `url ${resume.url}`);
      const res = await fakeFetch(u.pathname);
      expect(x, 'the PDF viewer loads it', res.ok && (res.headers.get('content-type') ?? '').startsWith('application/pdf'), `GET ${u.pathname} answered ${res.status} ${res.headers.get('content-type')}`);
    },
  },
  {
    name: 'education tab',
    component: 'web-containers EducationTab > EducationDialog',
    async run(x) {
      const who = { org: x.org, username: x.user };
      let institutions = await call(x, 'institution picker', 'careerApiSlice', 'getUserInstitutions', who);
      expect(x, 'institutions are a list', Array.isArray(institutions), `answer ${show(institutions)}`);
      if (!institutions.length) {
        await call(x, 'add an institution', 'careerApiSlice', 'createUserInstitution', { ...who, institution: { name: 'Northwind University' } });
        institutions = await call(x, 'institution picker again', 'careerApiSlice', 'getUserInstitutions', who);
      }
      const inst = institutions?.[0];
      expect(x, 'an institution to pick', inst?.id !== undefined, `institutions ${show(institutions)}`);
      const payload = { degree: 'BSc', field_of_study: 'Flow Studies', institution_id: Number(inst.id), start_date: '2019-09-01', end_date: '2023-06-30', grade: '3.7', is_current: false };
      const before = await call(x, 'list education', 'careerApiSlice', 'getUserEducation', who);
      expect(x, 'the tab gets a list', Array.isArray(before), `answer ${show(before)}`);
      await call(x, 'add education', 'careerApiSlice', 'createUserEducation', { ...who, education: payload });
      const list = await call(x, 'list again', 'careerApiSlice', 'getUserEducation', who);
      const added = Array.isArray(list) ? list.find((e) => e.field_of_study === 'Flow Studies') : undefined;
      expect(x, 'the list shows it', added?.id !== undefined && list.length === before.length + 1, `list ${show(list)}`);
      await call(x, 'edit it', 'careerApiSlice', 'updateUserEducation', { ...who, education_id: added.id, education: { ...payload, id: added.id, degree: 'MSc' } });
      const edited = (await call(x, 'list after the edit', 'careerApiSlice', 'getUserEducation', who))?.find?.((e) => e.id === added.id);
      expect(x, 'the list shows the edit', edited?.degree === 'MSc', `degree ${show(edited?.degree)}`);
      await call(x, 'delete it', 'careerApiSlice', 'deleteUserEducation', { ...who, education_id: added.id });
      const after = await call(x, 'list after the delete', 'careerApiSlice', 'getUserEducation', who);
      expect(x, 'it is gone', Array.isArray(after) && !after.some((e) => e.id === added.id), `list ${show(after)}`);
    },
  },
  {
    name: 'RBAC group create, find, rename, delete',
    component: "the data layer's coreApiSlice (GroupsTab is declared, not bundled)",
    async run(x) {
      const created = await call(x, 'create', 'coreApiSlice', 'createRbacGroup', {
        requestBody: { name: 'Flow reviewers', unique_id: 'flow-reviewers', description: 'Reviews flows', platform_key: x.org },
      });
      expect(x, 'the answer has the id', created?.id !== undefined, `answer ${show(created)}`);
      const list = await call(x, 'list', 'coreApiSlice', 'getRbacGroups', { platformKey: x.org });
      expect(x, 'the list shows it', list?.results?.some((g) => g.id === created.id && g.name === 'Flow reviewers'), `results ${show(list?.results?.slice(0, 3))}`);
      const detail = await call(x, 'open it', 'coreApiSlice', 'getRbacGroupDetails', { id: created.id });
      expect(x, 'the detail is the group', detail?.name === 'Flow reviewers', `name ${show(detail?.name)}`);
      await call(x, 'rename', 'coreApiSlice', 'updateRbacGroup', { id: created.id, requestBody: { name: 'Flow approvers', unique_id: 'flow-reviewers', platform_key: x.org } });
      const renamed = await call(x, 'reopen', 'coreApiSlice', 'getRbacGroupDetails', { id: created.id });
      expect(x, 'the rename shows', renamed?.name === 'Flow approvers', `name ${show(renamed?.name)}`);
      await call(x, 'delete', 'coreApiSlice', 'deleteRbacGroup', { id: created.id, platformKey: x.org });
      const gone = await x.dispatch('coreApiSlice', 'getRbacGroupDetails', { id: created.id });
      expect(x, 'the detail is 404', gone.requests.at(-1)?.status === 404, `answered ${gone.requests.at(-1)?.status}`);
      const after = await call(x, 'list after the delete', 'coreApiSlice', 'getRbacGroups', { platformKey: x.org });
      expect(x, 'the list no longer shows it', !after?.results?.some((g) => g.id === created.id), `results ${show(after?.results?.slice(0, 3))}`);
    },
  },
  {
    name: 'credentials tab',
    component: "none published: the data layer's bundled CredentialsService and getUserCredentials",
    async run(x) {
      const who = { platformKey: x.org, username: x.user };
      const issuers = await bundled(x, 'list issuers', 'CredentialsService', 'credentialsOrgsUsersIssuersRetrieve', who);
      // The credentials API wraps its answers: {status, result}, a page's
      // items in result.data.
      const issuer = issuers?.result?.data?.[0];
      expect(x, 'an issuer to pick', issuer?.entityId, `issuers ${show(issuers)}`);
      const count = async (step) => (await bundled(x, step, 'CredentialsService', 'credentialsOrgsUsersRetrieve', who))?.result?.count;
      const before = await count('list credentials');
      expect(x, 'the list has a count', typeof before === 'number', `count ${show(before)}`);
      const course = x.course;
      const made = await bundled(x, 'create a credential', 'CredentialsService', 'credentialsOrgsUsersCreate', {
        ...who, requestBody: { name: 'Flow Credential', issuer: issuer.entityId, courses: [course] },
      });
      const cr = made?.result;
      expect(x, 'the answer is the credential', cr?.entityId, `answer ${show(made)}`);
      expect(x, 'count + 1', (await count('list again')) === before + 1, 'the count did not grow by one');
      const opened = await bundled(x, 'open it', 'CredentialsService', 'credentialsOrgsUsersRetrieve2', { ...who, entityId: cr.entityId });
      expect(x, 'it is the credential', (opened?.result ?? opened)?.name === 'Flow Credential', `answer ${show(opened)}`);
      await bundled(x, 'rename it', 'CredentialsService', 'credentialsOrgsUsersUpdate', {
        ...who, entityId: cr.entityId, requestBody: { name: 'Flow Credential II', issuer: issuer.entityId, courses: [course] },
      });
      const renamed = await bundled(x, 'reopen it', 'CredentialsService', 'credentialsOrgsUsersRetrieve2', { ...who, entityId: cr.entityId });
      expect(x, 'the rename shows', (renamed?.result ?? renamed)?.name === 'Flow Credential II', `answer ${show(renamed)}`);
      const a = await bundled(x, 'issue it to a learner', 'CredentialsService', 'credentialsOrgsUsersAssertionsCreate', {
        ...who, entityId: cr.entityId, requestBody: { recipient: { identity: x.learner, email: x.learnerEmail }, course },
      });
      expect(x, 'the assertion', a?.entityId, `answer ${show(a)}`);
      const mine = await call(x, "the learner's credentials (getUserCredentials)", 'credentialsApiSlice', 'getUserCredentials', { platformKey: x.org, username: x.learner });
      expect(x, 'they list it', mine?.data?.some((y) => y.entityId === a.entityId), `data ${show(mine?.data?.slice(0, 1))}`);
      await bundled(x, 'revoke it', 'CredentialsService', 'credentialsOrgsUsersAssertionsUpdate', {
        ...who, entityId: a.entityId, requestBody: { revoked: true, revocationReason: 'Issued by mistake' },
      });
      const pub = await bundled(x, 'the public page', 'CredentialsService', 'credentialsPublicAssertionsRetrieve', { entityId: a.entityId }, { status: 404 });
      expect(x, 'it reports the revocation', JSON.stringify(pub?.body ?? '').includes('revoked'), `answer ${show(pub?.body)}`);
      await bundled(x, 'delete the credential', 'CredentialsService', 'credentialsOrgsUsersDestroy', { ...who, entityId: cr.entityId });
      expect(x, 'count back', (await count('list after the delete')) === before, 'the count did not come back');
    },
  },
  {
    name: 'license seat',
    component: "none published: the data layer's bundled CatalogService",
    async run(x) {
      const list = async (step) => bundled(x, step, 'CatalogService', 'catalogLicensesUserRetrieve', { platformKey: x.org, verbose: true, pageSize: 50 });
      const licenses = await list('list user licenses');
      const l = licenses?.results?.find((y) => y.active && y.count > y.usage_count && !(y.expired && Date.parse(y.expired) < Date.now()));
      expect(x, 'a license with free seats', l, `licenses ${show(licenses?.results?.slice(0, 2))}`);
      const email = 'flow.seat@newhire.example.com';
      const seat = await bundled(x, 'assign a seat', 'CatalogService', 'catalogLicensesUserAssignmentCreate', { licenseId: l.id, requestBody: { license_id: l.id, email } });
      expect(x, 'the assignment', seat?.id !== undefined && seat?.email === email, `answer ${show(seat)}`);
      const seats = await bundled(x, 'list seats', 'CatalogService', 'catalogLicensesUserAssignmentRetrieve', { licenseId: l.id, platformKey: x.org, pageSize: 100 });
      expect(x, 'listed', seats?.results?.some((s) => s.id === seat.id), `results ${show(seats?.results?.slice(0, 2))}`);
      const after = (await list('list licenses again'))?.results?.find((y) => y.id === l.id);
      expect(x, 'seats used + 1', after?.usage_count === l.usage_count + 1, `usage ${l.usage_count} -> ${show(after?.usage_count)}`);
      await bundled(x, 'public check', 'CatalogService', 'catalogLicensesUserAssignmentCheckRetrieve', { email });
      await bundled(x, 'release the seat', 'CatalogService', 'catalogLicensesUserAssignmentDestroy', { assignmentId: seat.id, licenseId: l.id });
      await bundled(x, 'public check after release', 'CatalogService', 'catalogLicensesUserAssignmentCheckRetrieve', { email }, { status: 404 });
    },
  },
];
