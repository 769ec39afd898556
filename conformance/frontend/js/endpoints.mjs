// Every endpoint of the data layer: the arguments it is dispatched with
// (the consuming component's own where one calls it), ids it harvests for
// later calls, and what the component that consumes it reads.
//
// An entry's fields (all optional):
//   args(c)    the endpoint's arguments; for an endpoint built on the
//              bundled generated client, without args, they are derived
//              from the generated method and the plan (run.mjs), and
//              with(c) is merged into them.
//   phase      1 reads, 2 reads of ids the reads gave, 3 creates,
//              4 updates and reads of created ids, 5 deletes (default:
//              by kind and name, see run.mjs).
//   harvest(data, c)  keeps ids for later calls.
//   consumer   the vendor component that reads the answer;
//   reads      what it reads (checks.mjs). An endpoint no component reads
//              works when it answers 2xx (the Go test checks every answer
//              against the document).
//   lms        the endpoint calls lmsUrl, not the data manager.
//
// Consumers are @iblai/web-containers 1.1.3 and @iblai/web-utils 1.1.2,
// which import their hooks from this data layer (FIDELITY.md, "The
// vendor's frontend"); each reads list is what that component's code
// does with the data.
import {
  array, boolean, equals, inRange, nonEmpty, number, object, objectOrNull, oneOf, present, runs, string,
} from './checks.mjs';

const first = (d, list = 'results') => (Array.isArray(d) ? d[0] : d?.[list]?.[0]);

// The ISO date the analytics filters send (formatDateToYYYYMMDD).
const today = () => new Date().toISOString().slice(0, 10);

// A file part, as an upload's FormData carries one: a whole 1x1 PNG, as
// an app uploads a picture (the PNG signature alone is no image, and the
// fake refuses it as Django's ImageField does).
const PNG_1X1 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';
const file = (name, type = 'image/png') => new File([Buffer.from(PNG_1X1, 'base64')], name, { type });

// A PDF file part, as ResumeTab uploads one (it takes application/pdf only).
const PDF = '%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n';
const pdf = (name) => new File([PDF], name, { type: 'application/pdf' });

const form = (fields) => {
  const fd = new FormData();
  for (const [k, v] of Object.entries(fields)) fd.append(k, v);
  return fd;
};

// The analytics cards' date filter (FILTER_30D).
const F30 = '30d';

export const ENDPOINTS = {
  analyticsApiSlice: {
    // AI analytics: the data layer sends ?org=&userId=&startDate=&endDate=.
    getOverviewSummary: { args: (c) => ({ org: c.org, userId: c.user }) },
    getConversation: { args: (c) => ({ org: c.org, userId: c.user, startDate: today(), endDate: today() }) },
    getMostDiscussedTopics: { args: (c) => ({ org: c.org, userId: c.user, startDate: today(), endDate: today() }) },
    getAverageMessagesPerSession: { args: (c) => ({ org: c.org, userId: c.user, startDate: today(), endDate: today() }) },
    getRegisteredUsersTrend: { args: (c) => ({ org: c.org, userId: c.user, startDate: today(), endDate: today() }) },
    getUserMetrics: { args: (c) => ({ org: c.org, userId: c.user }) },
    getUserMetricsPieChart: { args: (c) => ({ org: c.org, userId: c.user, startDate: today(), endDate: today() }) },
    getUserCohortsOverTime: { args: (c) => ({ org: c.org, userId: c.user, startDate: today(), endDate: today() }) },
    getTopStudentsByChatMessages: { args: (c) => ({ org: c.org, userId: c.user }) },
    getTopicOverview: { args: (c) => ({ org: c.org, userId: c.user }) },
    getTopicsSummary: { args: (c) => ({ org: c.org, userId: c.user, page: 1, pageSize: 10 }) },
    getTopicStatistics: { args: (c) => ({ org: c.org, userId: c.user, page: 1, pageSize: 10 }) },
    // web-containers useOverview / useTopics: the stat cards.
    getTopicsStats: {
      args: (c) => ({ date_filter: F30, platform_key: c.org }),
      consumer: 'web-containers useOverview, useTopics (stat cards)',
      reads: [number('messages.this_month'), number('topics.this_month'), number('conversations.this_month')],
    },
    // web-containers useUsers: the active users chart (metric active_users).
    getUsersStats: {
      args: (c) => ({ date_filter: F30, metric: 'active_users', platform_key: c.org }),
      consumer: 'web-containers useUsers (active users chart)',
      reads: [array('points'), string('points[].date'), number('points[].value')],
    },
    getSessionStats: {
      args: (c) => ({ date_filter: F30, platform_key: c.org }),
      consumer: 'web-containers useOverview (sessions chart)',
      reads: [array('points'), string('points[].date'), number('points[].value')],
    },
    getTopicsDetailsStats: {
      args: (c) => ({ date_filter: F30, platform_key: c.org }),
      consumer: 'web-containers useOverview (topics chart)',
      reads: [array('results')],
    },
    // web-containers useUsers: convertToHeatmapArray(response) runs
    // response.data.forEach(({day_of_week, hour, value}) => ...) unguarded.
    getAccessTimeHeatmap: {
      args: (c) => ({ date_filter: F30, platform_key: c.org }),
      consumer: 'web-containers useUsers (convertToHeatmapArray)',
      reads: [
        runs('convertToHeatmapArray', (response) => {
          if (!response) return;
          response.data.forEach(({ day_of_week: d, hour: h, value: v }) => [d, h, v]);
        }),
        inRange('data[].day_of_week', 1, 7), inRange('data[].hour', 0, 23), number('data[].value'),
      ],
    },
    getUserDetailsStats: {
      args: (c) => ({ date_filter: F30, platform_key: c.org, page: 1, limit: 10 }),
      consumer: 'web-containers useUsers (users table)',
      reads: [array('results'), number('pagination.page'), number('pagination.total_pages'), boolean('pagination.has_next')],
    },
    getAverageRating: {
      args: (c) => ({ platform_key: c.org, date_filter: F30 }),
      consumer: 'web-containers useTopics (rating card)',
      reads: [array('points'), number('points[].value')],
    },
    getFinancialStats: {
      args: (c) => ({ metric: 'weekly_costs', date_filter: 'all_time', platform_key: c.org }),
      consumer: 'web-containers useFinancial (cost cards: the value shown as it comes)',
      reads: [present('value'), present('percentage_change')],
    },
    getDetailedFinancialStats: {
      args: (c) => ({ metrics: 'total_costs,sessions', group_by: 'username', date_filter: F30, platform_key: c.org, page: 1, limit: 10 }),
      consumer: 'web-containers useFinancial (cost per user table)',
      reads: [array('rows'), number('total_pages'), number('total_records')],
    },
    // web-containers Transcripts page: data.summary.total_conversations
    // and pagination.total_pages, unguarded.
    getTranscriptsMessages: {
      args: (c) => ({ platform_key: c.org, page: 1, limit: 20 }),
      consumer: 'web-containers Transcripts (list)',
      reads: [
        runs('the transcripts page', (d) => [d.summary.total_conversations, d.pagination.total_pages]),
        number('summary.total_conversations'), number('summary.user_queries'), number('pagination.total_pages'), array('results'),
      ],
    },
    getTranscriptsMessagesDetails: {
      args: (c) => ({ session_id: c.session ?? 'session', platform_key: c.org }),
      consumer: 'web-containers Transcripts (conversation)',
      reads: [array('messages'), present('messages[].human'), present('messages[].ai')],
    },
    // web-containers useTimeTracking: handleTimeUpdate's own body.
    timeTracking: {
      consumer: 'web-containers useTimeTracking (awaits success, reads nothing of the answer)',
      args: (c) => ({ timestamp: new Date().toISOString(), url: 'http://localhost:3000/analytics', org: c.org, count: 30 }),
    },
    // web-containers useTranscripts: metric=headline.
    getTranscriptsConversationHeadline: {
      args: (c) => ({ platform_key: c.org, metric: 'headline' }),
      consumer: 'web-containers useTranscripts (headline)',
      reads: [present('avg_rating'), present('avg_cost_per_conversation'), present('avg_messages_per_conversation')],
    },
  },

  apiKeysApiSlice: {
    getApiKeys: { harvest: (d, c) => { c.apiKey = first(d)?.name; } },
    createApiKey: { harvest: (d, c) => { c.createdApiKey = d?.name; } },
    deleteApiKey: { with: (c) => ({ name: c.createdApiKey ?? c.apiKey, platformKey: c.org }) },
  },

  appApiSlice: {
    // web-utils subscription flow: the app of the current tenant,
    // results.find(item => item.platform.key === tenant).
    getUserApps: {
      with: () => ({ page: 1, pageSize: 50 }),
      consumer: 'web-utils SubscriptionFlow, TenantProvider (getUserActiveApp)',
      reads: [array('results'), (d, c) => (d?.results?.some?.((it) => it?.platform?.key === c.org) ? [] : [`no results[].platform.key is the tenant ${c.org}`])],
    },
    updateUserOnboardingStatus: {},
    updateUserTrialStatus: { consumer: 'web-utils SubscriptionFlow (awaits success, reads nothing of the answer)' },
  },

  authApiSlice: {
    exchangeAppleToken: { lms: true, args: () => ({ access_token: 'x', redirect_uri: 'x', client_id: 'x', code: 'x' }) },
    getMfeContext: { lms: true, args: () => undefined },
    getAppTokens: { lms: true, args: (c) => form({ platform_key: c.org }) },
    refreshJwtToken: { lms: true, args: () => undefined },
  },

  billingApiSlice: {
    createStripeCustomerPortal: {
      consumer: 'web-utils SubscriptionFlow (redirects to url)',
      reads: [string('url')],
    },
    renewSubscription: { consumer: 'web-utils SubscriptionFlow (awaits success, reads nothing of the answer)' },
  },

  careerApiSlice: {
    // web-containers EducationTab: data.length, data.map(education => ...).
    getUserEducation: {
      args: (c) => ({ org: c.org, username: c.user }),
      consumer: 'web-containers EducationTab',
      reads: [array(''), present('[].id')],
      harvest: (d, c) => { c.education = first(d)?.id ?? d?.id; },
    },
    createUserEducation: {
      consumer: 'web-containers career dialogs (awaits success, reads nothing of the answer)',
      args: (c) => ({ org: c.org, username: c.user, education: { degree: 'BSc', field_of_study: 'Statistics', institution_id: c.institution ?? 1, start_date: '2020-09-01', end_date: null, grade: '3.8', is_current: false } }),
      harvest: (d, c) => { c.createdEducation = d?.id; },
    },
    updateUserEducation: {
      consumer: 'web-containers career dialogs (awaits success, reads nothing of the answer)', args: (c) => ({ org: c.org, username: c.user, education_id: c.createdEducation ?? c.education ?? 1, education: { id: c.createdEducation ?? c.education ?? 1, degree: 'MSc', field_of_study: 'Statistics', institution_id: c.institution ?? 1, start_date: '2020-09-01', end_date: null, grade: '3.9', is_current: false } }) },
    deleteUserEducation: {
      consumer: 'web-containers career dialogs (awaits success, reads nothing of the answer)', args: (c) => ({ org: c.org, username: c.user, education_id: c.createdEducation ?? c.education ?? 1 }) },
    getUserExperience: {
      args: (c) => ({ org: c.org, username: c.user }),
      consumer: 'web-containers ExperienceTab',
      reads: [array(''), present('[].id')],
      harvest: (d, c) => { c.experience = first(d)?.id ?? d?.id; },
    },
    createUserExperience: {
      consumer: 'web-containers career dialogs (awaits success, reads nothing of the answer)',
      args: (c) => ({ org: c.org, username: c.user, experience: { title: 'Analyst', company_id: c.company ?? 1, employment_type: 'full_time', start_date: '2021-01-01', end_date: null, is_current: true, description: 'Data work' } }),
      harvest: (d, c) => { c.createdExperience = d?.id; },
    },
    updateUserExperience: {
      consumer: 'web-containers career dialogs (awaits success, reads nothing of the answer)', args: (c) => ({ org: c.org, username: c.user, experience_id: c.createdExperience ?? c.experience ?? 1, experience: { title: 'Senior Analyst', company_id: c.company ?? 1, start_date: '2021-01-01', is_current: true } }) },
    deleteUserExperience: {
      consumer: 'web-containers career dialogs (awaits success, reads nothing of the answer)', args: (c) => ({ org: c.org, username: c.user, experience_id: c.createdExperience ?? c.experience ?? 1 }) },
    getUserInstitutions: {
      args: (c) => ({ org: c.org, username: c.user }),
      consumer: 'web-containers EducationDialog (institution picker)',
      reads: [array('')],
      harvest: (d, c) => { c.institution = first(d)?.id ?? d?.id; },
    },
    createUserInstitution: {
      consumer: 'web-containers career dialogs (awaits success, reads nothing of the answer)', args: (c) => ({ org: c.org, username: c.user, institution: { name: 'Acme University', institution_type: 'university' } }) },
    getUserCompanies: {
      args: (c) => ({ org: c.org, username: c.user }),
      consumer: 'web-containers ExperienceDialog (company picker)',
      reads: [array('')],
      harvest: (d, c) => { c.company = first(d)?.id ?? d?.id; },
    },
    createUserCompany: {
      consumer: 'web-containers career dialogs (awaits success, reads nothing of the answer)', args: (c) => ({ org: c.org, username: c.user, company: { name: 'Acme Corp', industry: 'Education' } }) },
    // web-containers ResumeTab: data.files[], the one of type "resume".
    getUserResume: {
      args: (c) => ({ org: c.org, username: c.user }),
      consumer: 'web-containers ResumeTab',
      reads: [object(''), array('files')],
    },
    // ResumeTab's handleFileChange: the form {user, platform, resume}, POST.
    createUserResume: {
      consumer: 'web-containers ResumeTab (awaits success, reads nothing of the answer)',
      args: (c) => ({ org: c.org, username: c.user, method: 'POST', resume: form({ user: c.user, platform: c.org, resume: pdf('resume.pdf') }) }),
    },
  },

  catalogApiSlice: {
    getUserReportedSkills: {},
    getUserSkillsPoints: {},
    getUserDesiredSkills: {},
    createOrUpdateUserReportedSkill: {},
    createOrUpdateUserDesiredSkill: {},
    getUserAssignedPathways: {},
    getUserEnrolledPathways: {},
    getUserEnrolledPrograms: {},
    getEnrollmentCourseSearch: {},
    getResourceSearch: {},
    createCatalogPathway: {},
    createCatalogRole: {},
    getPathwayCompletion: {},
    getProgramCompletion: {},
    createCatalogPathwayEnrollment: {},
    createCatalogPathwaySelfEnrollment: {},
    createCatalogProgramSelfEnrollment: {},
    getPathwayList: {},
    getProgramList: {},
    createCatalogInvitationBulk: {
      with: (c) => ({ requestBody: { platform_key: c.org, invitation_data: [{ email: `bulk.${c.run}@example.com`, platform_key: c.org }] } }),
    },
    createCatalogInvitationProgram: {
      with: (c) => ({ requestBody: { platform_key: c.org, program_key: c.program, email: `program.${c.run}@example.com` } }),
    },
    createCatalogInvitationCourse: {
      with: (c) => ({ requestBody: { platform_key: c.org, course_id: c.course, email: `course.${c.run}@example.com` } }),
    },
    // web-containers CoursesTab / ProgramsTab: the bulk invitations the
    // pickers send.
    createCatalogInvitationCourseBulk: {
      consumer: 'web-containers CoursesTab (awaits success, reads nothing of the answer)',
      with: (c) => ({ requestBody: { platform_key: c.org, invitation_data: [{ course_id: c.course, email: `cbulk.${c.run}@example.com` }] } }),
    },
    createCatalogInvitationProgramBulk: {
      consumer: 'web-containers ProgramsTab (awaits success, reads nothing of the answer)',
      with: (c) => ({ requestBody: { platform_key: c.org, invitation_data: [{ program_key: c.program, email: `pbulk.${c.run}@example.com` }] } }),
    },
    // web-containers CoursesTab: the course invitations table.
    getCatalogInvitationsCourse: {
      args: (c) => ({ platformKey: c.org, page: 1, pageSize: 5 }),
      consumer: 'web-containers CoursesTab, InviteUserDialog',
      // invitation.email || 'No email', invitation.course_id || ...: both may be blank.
      reads: [array('results'), number('count')],
      harvest: (d, c) => { c.course = first(d)?.course_id ?? c.course; },
    },
    getCatalogInvitationsProgram: {
      args: (c) => ({ platform_key: c.org, page: 1, page_size: 5 }),
      consumer: 'web-containers ProgramsTab, InviteUserDialog',
      reads: [array('results'), number('count')],
      harvest: (d, c) => { c.program = first(d)?.program_key ?? c.program; },
    },
  },

  chatApiSlice: {
    getPinnedMessages: {},
    unPinMessage: {},
    addPinnedMessage: {},
    getVectorDocuments: { phase: 4 },
    getRecentMessage: {},
    deleteMessage: { with: (c) => ({ sessionId: c.session }) },
    updateMessageFeedback: {},
    audioToText: { with: () => ({ formData: { file: file('speech.webm', 'audio/webm') } }) },
  },

  chatFilesApiSlice: {
    getFileUploadUrl: {
      args: (c) => ({ org: c.org, userId: c.user, requestBody: { file_name: 'notes.pdf', content_type: 'application/pdf', file_size: 1024, session_id: c.session } }),
      phase: 4,
    },
  },

  chatHistoryApiSlice: {
    getChatHistoryFilter: {},
    getChatHistory: {},
    exportChatHistory: { with: (c) => ({ key: c.org, requestBody: { report_name: c.reportName } }) },
    getChatHistoryExportStatus: { with: (c) => ({ key: c.org, reportName: c.reportName }), phase: 2 },
  },

  coreApiSlice: {
    createRedirectToken: {},
    getPlatformInfo: { with: (c) => ({ key: c.org }) },
    updatePlatformInfo: {},
    updateUserStatus: {},
    // web-utils MentorProvider: the permissions object spread into the
    // mentor's permissions ({...mentorPermissions}).
    getRbacPermissions: {
      args: (c) => ({ requestBody: { platform_key: c.org, resources: ['/mentors/', `/mentors/${c.mentorDbId ?? 1}/`, '/apitokens/'] } }),
      phase: 2,
      consumer: 'web-utils MentorProvider (loadMentorsPermissions)',
      reads: [object('')],
    },
    getStudentMentorCreationStatus: {},
    setStudentMentorCreationStatus: {},
    getRbacGroups: { with: (c) => ({ platformKey: c.org }), harvest: (d, c) => { c.group = first(d)?.id; } },
    createRbacGroup: {
      with: (c) => ({ requestBody: { name: `Harness group ${c.run}`, unique_id: `harness-group-${c.run}`, description: 'Made by the data-layer harness', platform_key: c.org } }),
      harvest: (d, c) => { c.createdGroup = d?.id; },
    },
    updateRbacGroup: { with: (c) => ({ id: c.createdGroup ?? c.group, requestBody: { name: `Harness group ${c.run} renamed`, unique_id: `harness-group-${c.run}`, platform_key: c.org } }) },
    deleteRbacGroup: { with: (c) => ({ id: c.createdGroup ?? c.group, platformKey: c.org }) },
    getRbacPolicies: { with: (c) => ({ platformKey: c.org }), harvest: (d, c) => { c.policy = first(d)?.id; } },
    createRbacPolicy: {
      with: (c) => ({ requestBody: { name: `Harness policy ${c.run}`, platform_key: c.org, role_id: c.role ?? 1, resources: ['/mentors/'] } }),
      harvest: (d, c) => { c.createdPolicy = d?.id; },
    },
    updateRbacPolicy: { with: (c) => ({ id: c.createdPolicy ?? c.policy, requestBody: { name: `Harness policy ${c.run} renamed`, platform_key: c.org, role_id: c.role ?? 1, resources: ['/mentors/'] } }) },
    deleteRbacPolicy: { with: (c) => ({ id: c.createdPolicy ?? c.policy, platformKey: c.org }) },
    getRbacRoles: { with: (c) => ({ platformKey: c.org }), harvest: (d, c) => { c.role = first(d)?.id; } },
    createRbacRole: {
      with: (c) => ({ requestBody: { name: `Harness role ${c.run}`, platform_key: c.org, actions: ['Ibl.Mentor/Mentors/read'] } }),
      harvest: (d, c) => { c.createdRole = d?.id; },
    },
    updateRbacRole: { with: (c) => ({ id: c.createdRole ?? c.role, requestBody: { name: `Harness role ${c.run} renamed`, platform_key: c.org, actions: ['Ibl.Mentor/Mentors/read'] } }) },
    partialUpdateRbacRole: { with: (c) => ({ id: c.createdRole ?? c.role, requestBody: { name: `Harness role ${c.run} patched`, platform_key: c.org } }) },
    deleteRbacRole: { with: (c) => ({ id: c.createdRole ?? c.role, platformKey: c.org }) },
    getRbacGroupDetails: { args: (c) => ({ id: c.createdGroup ?? c.group ?? 1 }), phase: 4 },
    getRbacPolicyDetails: { args: (c) => ({ id: c.createdPolicy ?? c.policy ?? 1, platform_key: c.org }), phase: 4 },
    getRbacRoleDetails: { args: (c) => ({ id: c.createdRole ?? c.role ?? 1, platform_key: c.org }), phase: 4 },
    getRbacMentorAccessList: { with: (c) => ({ platformKey: c.org, mentorId: c.mentorDbId }), phase: 2 },
    updateRbacMentorAccess: {},
  },

  coreCustomApiSlice: {
    getPlatformMembership: { args: (c) => ({ platform_key: c.org }) },
    updatePlatformMembership: { args: (c) => ({ platform_key: c.org, allow_self_linking: true }) },
    // web-utils TenantProvider: joining a tenant the user visits.
    joinTenant: { args: (c) => ({ platform_key: c.org }), consumer: 'web-utils TenantProvider (awaits success, reads nothing of the answer)' },
    getPlatformImageAssetsList: { args: (c) => ({ platform_key: c.org }), harvest: (d, c) => { c.asset = first(d)?.id; } },
    createPlatformImageAsset: {
      args: (c) => ({ platform_key: c.org, request: form({ image: file('banner.png'), category: 'banner', name: 'Harness banner' }) }),
      harvest: (d, c) => { c.createdAsset = d?.id; },
    },
    getPlatformImageAssetDetails: { args: (c) => ({ platform_key: c.org, asset_id: c.createdAsset ?? c.asset ?? 1 }), phase: 4 },
    updatePlatformImageAsset: { args: (c) => ({ platform_key: c.org, asset_id: c.createdAsset ?? c.asset ?? 1, request: form({ name: 'Harness banner, renamed' }) }) },
    deletePlatformImageAsset: { args: (c) => ({ platform_key: c.org, asset_id: c.createdAsset ?? c.asset ?? 1 }) },
  },

  // The data layer builds the URL an <img src> loads; the check loads it.
  coreFakeCustomPublicImageAssetApiSlice: {
    getPublicPlatformImageAssetFileUrl: {
      args: (c) => ({ platform_key: c.org, asset_id: c.createdAsset ?? c.asset ?? 1 }),
      phase: 4,
      consumer: '<img src> of a platform image asset',
      reads: [string('')],
      follow: { as: 'image' },
    },
  },

  credentialsApiSlice: {
    getCredentials: { args: (c) => ({ org: c.org }) },
    getLLMCredentials: {},
    getUserCredentials: { with: (c) => ({ username: c.learner }) },
    createCallCredentials: { with: (c) => ({ mentor: c.mentor }), phase: 3 },
    getIntegrationCredentials: {},
    createIntegrationCredential: {},
    createLLMCredential: {},
    updateIntegrationCredential: {},
    getConnectedServiceAuthUrl: { args: (c) => ({ org: c.org, userId: c.user, provider: 'google', service: 'drive' }) },
    connectedServicesCallback: { args: () => ({ code: 'harness-code', state: 'harness-state' }) },
  },

  credentialsCustomApiSlice: {
    deleteIntegrationCredential: { args: (c) => ({ org: c.org, platform_key: c.org, name: 'openai' }) },
    deleteCredential: { args: (c) => ({ org: c.org, platform_key: c.org, name: 'openai' }) },
    getIntegrationCredentialsSchema: { args: (c) => ({ org: c.org }) },
    getCredentialsSchema: { args: (c) => ({ org: c.org }) },
    getMaskedLLMCredentials: { args: (c) => ({ org: c.org }) },
    getMaskedIntegrationCredentials: { args: (c) => ({ org: c.org }) },
  },

  customAiSearchApiSlice: {
    getRecommendationsAiSearch: { args: (c) => ({ params: { platform_key: c.org, username: c.user } }) },
    getRecommendedPromptsList: { args: (c) => ({ params: { platform_key: c.org } }), harvest: (d, c) => { c.recPrompt = first(d)?.id; } },
    createRecommendedPrompt: {
      args: (c) => ({ requestBody: { platform_key: c.org, prompt: 'Explain this course', prompt_type: 'learner', spa_url: '/' } }),
      harvest: (d, c) => { c.createdRecPrompt = d?.id; },
    },
    updateRecommendedPrompt: { args: (c) => ({ prompt_id: c.createdRecPrompt ?? c.recPrompt ?? 1, platform_key: c.org, requestBody: { prompt: 'Explain this course again', prompt_type: 'learner' } }) },
    deleteRecommendedPrompt: { args: (c) => ({ params: { prompt_id: c.createdRecPrompt ?? c.recPrompt ?? 1, platform_key: c.org } }) },
  },

  customDomainApiSlice: {
    // web-utils TenantProvider: the custom domain of window.location.
    getCustomDomains: {
      args: () => ({ params: { domain: 'localhost' } }),
      consumer: 'web-utils TenantProvider (custom_domains)',
      reads: [array('custom_domains')],
      harvest: (d, c) => { c.domain = d?.custom_domains?.[0]?.id; },
    },
    // The data layer's CreateCustomDomainPayload; the create answers
    // {message, custom_domain}.
    createCustomDomain: {
      args: (c) => ({ requestBody: { platform_key: c.org, custom_domain: `harness-${c.run}.example.com`, spa: 'mentorai', registered_with_dns_pro: false } }),
      harvest: (d, c) => { c.createdDomain = d?.custom_domain?.id; },
    },
    deleteCustomDomain: { args: (c) => ({ domain_id: c.createdDomain ?? c.domain ?? 1, platform_key: c.org }) },
  },

  datasetsApiSlice: {
    getDatasets: { with: (c) => ({ pathway: c.mentor }), phase: 2 },
    uploadDatasetInSession: { with: (c) => ({ sessionId: c.session, formData: { file: file('notes.txt', 'text/plain') } }), phase: 4 },
  },

  disclaimersApiSlice: {
    getDisclaimers: { args: (c) => ({ org: c.org, userId: c.user }), harvest: (d, c) => { c.disclaimer = first(d)?.id; } },
    createDisclaimer: {
      args: (c) => ({ org: c.org, userId: c.user, formData: { title: 'Harness disclaimer', content: 'Answers may be wrong.', scope: 'platform', active: true } }),
      harvest: (d, c) => { c.createdDisclaimer = d?.id; },
    },
    updateDisclaimer: { args: (c) => ({ org: c.org, userId: c.user, id: c.createdDisclaimer ?? c.disclaimer ?? 1, formData: { title: 'Harness disclaimer, edited' } }) },
    deleteDisclaimer: { args: (c) => ({ org: c.org, userId: c.user, id: c.createdDisclaimer ?? c.disclaimer ?? 1 }) },
    agreeToDisclaimer: { args: (c) => ({ org: c.org, userId: c.user, formData: { disclaimer: c.createdDisclaimer ?? c.disclaimer ?? 1 } }) },
  },

  edxProctoringApiSlice: {
    getExamInfo: { lms: true, args: (c) => ({ course_id: c.course, content_id: 'block-v1:x', is_learning_mfe: true }) },
    updateExamAttempt: { lms: true, args: () => ({ attemptID: 1, action: 'submit' }) },
    startExam: { lms: true, args: () => form({ exam_id: '1', start_clock: 'true' }) },
  },

  llmsApiSlice: {
    getLlms: {},
  },

  memoryApiSlice: {
    getMemories: { args: (c) => ({ tenantKey: c.org, username: c.user, params: {} }), harvest: (d, c) => { c.memoryEntry = first(d)?.entries?.[0]?.unique_id ?? first(d)?.entries?.[0]?.id; } },
    getMemoryCategories: { args: (c) => ({ tenantKey: c.org, username: c.user }) },
    getMentorUserSettings: { args: (c) => ({ tenantKey: c.org, username: c.user, mentorId: c.mentor }), phase: 2 },
    updateMentorUserSettings: { args: (c) => ({ tenantKey: c.org, username: c.user, mentorId: c.mentor, settings: { enable_memory: true } }) },
    deleteMemory: { args: (c) => ({ tenantKey: c.org, username: c.user, memoryId: c.createdMemoryEntry ?? c.memoryEntry ?? 'entry' }) },
    deleteMemoryByCategory: { args: (c) => ({ tenantKey: c.org, username: c.user, category: 'preferences' }) },
    updateMemoryEntry: { args: (c) => ({ tenantKey: c.org, username: c.user, entryId: c.createdMemoryEntry ?? c.memoryEntry ?? 'entry', data: { key: 'style', value: 'Prefers short answers' } }) },
    createMemory: {
      args: (c) => ({ tenantKey: c.org, username: c.user, data: { category: 'preferences', mentor_unique_id: c.mentor, entries: [{ key: 'style', value: 'Prefers examples' }] } }),
      harvest: (d, c) => { c.createdMemoryEntry = d?.entries?.[0]?.unique_id; },
    },
    getMemoryFilters: { args: (c) => ({ tenantKey: c.org, username: c.user }) },
    getFilteredMemories: { args: (c) => ({ tenantKey: c.org, username: c.user, params: { category: 'preferences' } }) },
  },

  mentorApiSlice: {
    createMentor: { with: () => ({ formData: { new_mentor_name: 'Harness mentor', template_name: 'ai-mentor', description: 'A mentor the harness made' } }), harvest: (d, c) => { c.createdMentor = d?.unique_id; } },
    // web-containers EditAlertDialog (the mentor picker) and web-utils
    // MentorProvider: results[].unique_id, name, metadata (an object:
    // metadata.default).
    getMentors: {
      with: (c) => ({ limit: 10, orderBy: 'recently_accessed_at' }),
      consumer: 'web-utils MentorProvider, web-containers EditAlertDialog',
      reads: [nonEmpty('results'), string('results[].unique_id'), string('results[].name'), objectOrNull('results[].metadata')],
      harvest: (d, c) => {
        const m = first(d);
        c.mentor = m?.unique_id ?? c.mentor;
        c.mentorDbId = m?.id ?? c.mentorDbId;
        c.mentorName = m?.name;
      },
    },
    getPublicMentors: {},
    editMentor: { with: (c) => ({ mentor: c.createdMentor ?? c.mentor, formData: { description: 'Edited by the harness' } }) },
    // web-utils MentorProvider: seeds the admin's first mentors.
    seedMentors: { consumer: 'web-utils MentorProvider (seed)', reads: [present('detail')] },
    getMentorDetails: { with: (c) => ({ mentor: c.mentor }), phase: 2 },
    // web-utils useMentorSettings (a private copy of this slice; the fields it reads).
    getMentorSettings: {
      with: (c) => ({ mentor: c.mentor }),
      phase: 2,
      consumer: 'web-utils useMentorSettings',
      reads: [objectOrNull('metadata'), (d, c) => (d?.mentor_unique_id === undefined || d.mentor_unique_id === c.mentor ? [] : [`mentor_unique_id is ${JSON.stringify(d.mentor_unique_id)}, not the mentor asked for`])],
    },
    // web-utils MentorProvider (getMentorDbId: response.mentor_id) and
    // useMentorSettings.
    getMentorPublicSettings: {
      with: (c) => ({ mentor: c.mentor }),
      phase: 2,
      consumer: 'web-utils MentorProvider (getMentorDbId), useMentorSettings',
      reads: [present('mentor_id'), objectOrNull('metadata'), (d, c) => (d?.mentor_unique_id === c.mentor ? [] : [`mentor_unique_id is ${JSON.stringify(d?.mentor_unique_id)}, not the mentor asked for (${c.mentor})`])],
    },
    updateMentorVisibilityStatus: { with: (c) => ({ mentor: c.createdMentor ?? c.mentor, formData: { mentor_visibility: 'viewable_by_tenant_students' } }) },
    // web-utils SubscriptionFlow: handleFreeUsageCountFlow(freeUsageCount).
    getFreeUsageCount: { consumer: 'web-utils SubscriptionFlow', reads: [number('count')] },
    createShareableLink: { with: (c) => ({ mentor: c.mentor }) },
    getShareableLink: { with: (c) => ({ mentor: c.mentor }), phase: 2 },
    getShareableLinkPublic: { with: (c) => ({ mentor: c.mentor }), phase: 2 },
    revokeShareableLink: { with: (c) => ({ mentor: c.mentor }) },
    updateShareableLink: { with: (c) => ({ mentor: c.mentor }) },
    // No published component deletes a mentor; the path's {name} is the
    // mentor's name, as the mentors' own create keeps it. createMentor
    // (mentor-with-settings) keeps nothing, so the harness deletes the
    // mentor getMentors listed.
    deleteMentor: { with: (c) => ({ name: c.mentorName ?? 'harness-mentor' }) },
    forkMentor: { with: (c) => ({ mentor: c.mentor }) },
    // web-utils MentorProvider: recentlyAccessedMentors.starred_mentors.length, unguarded.
    getRecentlyAccessedMentors: {
      consumer: 'web-utils MentorProvider (determineMentorToRedirectTo)',
      reads: [
        runs('MentorProvider', (d) => [d.starred_mentors.length, d.recent_mentors.length]),
        array('starred_mentors'), array('recent_mentors'), string('starred_mentors[].unique_id'), string('recent_mentors[].unique_id'),
      ],
    },
    getModerationLogs: {},
  },

  mentorCategoriesApiSlice: {
    getMentorCategories: {},
    getMentorCategoryGroups: {},
  },

  mentorCustomApiSlice: {
    getCustomMentors: { args: (c) => ({ tenantKey: c.org, username: c.user, params: { limit: 10 } }) },
    getMentorSummaries: { args: (c) => ({ tenantKey: c.org, username: c.user, mentorId: c.mentor, summary_type: 'daily' }), phase: 2 },
    getConversationMemories: { args: (c) => ({ tenantKey: c.org, username: c.user, memory_unique_id: c.session ?? 'memory' }), phase: 4 },
  },

  notificationsApiSlice: {
    // web-containers NotificationDropdown: the bell's badge.
    getNotificationsCount: {
      with: () => ({ status: 'UNREAD' }),
      consumer: 'web-containers NotificationDropdown (badge)',
      reads: [number('count')],
    },
    // web-containers NotificationDropdown / NotificationsList: response.data.results.
    getNotifications: {
      consumer: 'web-containers NotificationDropdown, NotificationsList',
      reads: [array('results'), present('results[].id'), string('results[].status'), string('results[].created_at')],
    },
    markAllAsRead: { with: () => ({ requestBody: { notification_ids: [] } }), consumer: 'web-containers NotificationDropdown (awaits success, reads nothing of the answer)' },
    getNotificationContext: {},
    // web-containers SendNotificationDialog: previewResponse.status !== 'success' fails the send.
    createNotificationPreview: {
      with: (c) => ({ requestBody: { template_data: { message_title: 'Harness', message_body: '<p>Hello</p>' }, sources: [{ type: 'email', data: c.learnerEmail }], channels: [1] } }),
      consumer: 'web-containers SendNotificationDialog',
      reads: [equals('status', 'success'), present('build_id')],
      harvest: (d, c) => { c.buildId = d?.build_id; },
    },
    sendNotification: {
      with: (c) => ({ requestBody: { build_id: c.buildId ?? 'build' } }),
      phase: 4,
      consumer: 'web-containers SendNotificationDialog',
      reads: [equals('status', 'success'), number('notifications_sent')],
    },
  },

  notificationsCustomApiSlice: {
    // web-containers AlertsTab: templates.find(t => t.id === id), t.type, t.is_enabled.
    getTemplates: {
      args: (c) => ({ platformKey: c.org }),
      consumer: 'web-containers AlertsTab',
      reads: [array(''), present('[].id'), string('[].type'), boolean('[].is_enabled')],
      harvest: (d, c) => { c.templateType = first(d)?.type; },
    },
    getTemplateDetails: {
      args: (c) => ({ platformKey: c.org, notificationType: c.templateType ?? 'CUSTOM_NOTIFICATION' }),
      phase: 2,
      consumer: 'web-containers AlertsTab, EditAlertDialog',
      reads: [string('message_body')],
    },
    updateTemplate: {
      consumer: 'web-containers EditAlertDialog (awaits success, reads nothing of the answer)',
      args: (c) => ({ platformKey: c.org, notificationType: c.templateType ?? 'CUSTOM_NOTIFICATION', template: { message_title: 'Harness title', email_html_template: '<p>Harness</p>' } }),
    },
    toggleTemplate: {
      consumer: 'web-containers AlertsTab (awaits success, reads nothing of the answer)',
      args: (c) => ({ platformKey: c.org, notificationType: c.templateType ?? 'CUSTOM_NOTIFICATION', allow_notification: false }),
    },
  },

  perLearnerApiSlice: {
    getPerLearnerActivity: { args: (c) => [{ org: c.org, userId: c.learner }] },
    getPerLearnerInfo: { args: (c) => [{ org: c.org, userId: c.learner }] },
    getOverTimeActivity: { args: (c) => [{ org: c.org, userId: c.learner }] },
  },

  platformApiSlice: {
    usersGradesPassed: { with: (c) => ({ courseId: c.course, userId: c.learner }), phase: 2 },
    // web-containers CoursesTab / ProgramsTab / SendNotificationDialog: the user picker.
    platformUsers: {
      args: (c) => ({ platform_key: c.org, page: 1, page_size: 50 }),
      consumer: 'web-containers CoursesTab, ProgramsTab, SendNotificationDialog (user pickers)',
      reads: [nonEmpty('results'), string('results[].email'), string('results[].username')],
      harvest: (d, c) => {
        const learner = d?.results?.find?.((u) => u.username && u.username !== c.user);
        c.learner = learner?.username ?? c.learner;
        c.learnerEmail = learner?.email ?? c.learnerEmail;
        c.learnerId = learner?.user_id ?? c.learnerId;
      },
    },
    updatePlatformUserRoleWithPolicies: { args: (c) => ({ requestBody: [{ platform_key: c.org, user_id: c.learnerId ?? 1, policies_to_add: [], policies_to_remove: [] }] }) },
    // web-containers UsersTab: results[].email, .active, .expired, .id; count.
    platformInvitations: {
      args: (c) => ({ platformKey: c.org, page: 1, pageSize: 5 }),
      consumer: 'web-containers UsersTab, InviteUserDialog',
      reads: [array('results'), string('results[].email'), boolean('results[].active'), present('results[].id'), number('count')],
    },
    inviteUser: {
      consumer: 'web-containers UsersTab (awaits success, reads nothing of the answer)',
      args: (c) => ({ requestBody: { email: `invite.${c.run}@example.com`, platform_key: c.org, redirect_to: 'http://localhost:3000/', source: c.user } }),
    },
  },

  platformCustomApiSlice: {
    getPlatformConfigurations: { args: (c) => ({ platform_key: c.org }) },
    setPlatformConfigurations: { args: (c) => ({ platform_key: c.org, configurations: [{ key: 'harness_flag', value: 'on' }] }) },
    deletePlatformConfiguration: { args: (c) => ({ platform_key: c.org, key: 'harness_flag' }) },
  },

  promptsApiSlice: {
    getPromptCategories: {},
    getPrompts: { harvest: (d, c) => { c.prompt = first(d)?.id; } },
    // web-utils useAdvancedChat: the prompt suggestions, prompts.results.
    getPromptsSearch: { consumer: 'web-utils useAdvancedChat (prompt suggestions)', reads: [array('results')] },
    createPrompt: { harvest: (d, c) => { c.createdPrompt = d?.id; } },
    updatePrompt: { with: (c) => ({ id: c.createdPrompt ?? c.prompt ?? 1 }) },
    deletePrompt: { with: (c) => ({ id: c.createdPrompt ?? c.prompt ?? 1 }) },
    getGuidedPrompts: { with: (c) => ({ sessionId: c.session }), phase: 4 },
  },

  reportsApiSlice: {
    // web-containers useReports: data[].report_name, data[].status.state.
    getReports: {
      args: (c) => ({ key: c.org }),
      consumer: 'web-containers useReports',
      reads: [nonEmpty('data'), string('data[].report_name')],
      harvest: (d, c) => { c.reportName = d?.data?.[0]?.report_name ?? c.reportName; },
    },
    // useReports reads the detail only to poll a report it requested
    // (createReport, then pollArgs): after the create, as a read of what
    // was created. A type never requested has an empty status.
    getReportDetail: {
      args: (c) => ({ key: c.org, reportName: c.reportName ?? 'report' }),
      phase: 4,
      consumer: 'web-containers useReports (poll)',
      reads: [oneOf('data.status.state', ['pending', 'running', 'accumulating', 'processing', 'storing', 'completed'])],
    },
    createReport: {
      args: (c) => ({ key: c.org, requestBody: { report_name: c.reportName ?? 'report' } }),
      consumer: 'web-containers useReports (initializeReportDownload)',
      reads: [oneOf('data.state', ['pending', 'running', 'accumulating', 'processing', 'storing', 'completed'])],
    },
  },

  searchApiSlice: {
    // web-containers CoursesTab: the course picker's own arguments.
    getPersonnalizedSearch: {
      args: (c) => [{ username: c.user, content: ['courses'], query: '', returnFacet: false, tenant: c.org }],
      consumer: 'web-containers CoursesTab, ProgramsTab (pickers)',
      reads: [
        nonEmpty('results'), string('results[].type'),
        (d) => (d?.results ?? []).filter((r) => r?.type === 'course').length ? [] : ['no results[].type is "course"'],
        string('results[].data.course_id'), string('results[].data.name'), present('results[].data.id'),
      ],
    },
    getCatalogSearch: { args: (c) => [{ content: ['courses'], tenant: c.org }] },
  },

  sessionApiSlice: {
    // web-utils useAdvancedChat: startNewChat, response.session_id.
    createSessionId: {
      with: (c) => ({ requestBody: { mentor: c.mentor } }),
      consumer: 'web-utils useAdvancedChat (startNewChat)',
      reads: [string('session_id')],
      harvest: (d, c) => { c.session = d?.session_id ?? c.session; },
    },
    // web-utils useAdvancedChat: getSessionChats (data.results, guarded).
    getSessionId: { with: (c) => ({ sessionId: c.session, share: true }), phase: 4, consumer: 'web-utils useAdvancedChat (getSessionChats, every read guarded)' },
    editSession: { with: (c) => ({ sessionId: c.session }), consumer: 'web-utils useAdvancedChat (awaits success, reads nothing of the answer)' },
  },

  skillsApiSlice: {
    getReportedSkills: { args: (c) => [{ org: c.org, userId: c.learner }] },
    getSkillsPointsPercentile: { args: (c) => [{ org: c.org, userId: c.learner }] },
    getDesiredSkills: { args: (c) => [{ org: c.org, userId: c.learner }] },
    getUserEarnedSkills: { args: (c) => [{ org: c.org, userId: c.learner }] },
  },

  stripeApiSlice: {
    // web-utils SubscriptionFlow: getTopUpURL returns stripeContext.payment_link_url (an empty answer throws).
    getStripeContext: { args: (c) => ({ platform_key: c.org }), consumer: 'web-utils SubscriptionFlow (getTopUpURL)', reads: [string('payment_link_url')] },
    getStripePricingPageSession: {
      args: (c) => ({ platform_key: c.org, params: { source_platform_key: c.org } }),
      consumer: 'web-utils SubscriptionFlow (pricing page)',
      reads: [string('payment_link_url')],
    },
    createStripeCheckoutSession: { args: (c) => ({ org: c.org, username: c.user, tenant: c.org, price_id: 'price_harness', success_url: 'http://localhost:3000/', cancel_url: 'http://localhost:3000/' }) },
  },

  tenantApiSlice: {
    // web-utils TenantProvider: tenantMetadata.metadata (an object:
    // metadata.spa_domains, is_advertising), platform_key, platform_name.
    getTenantMetadata: {
      args: (c) => [{ org: c.org }],
      consumer: 'web-utils TenantProvider',
      reads: [objectOrNull('metadata'), (d, c) => equals('platform_key', c.org)(d), string('platform_name')],
    },
    updateTenantMetadata: { args: (c) => [{ org: c.org, requestBody: { platform_key: c.org, platform_name: 'Demo', metadata: {} } }] },
    getUserTenants: { lms: true, args: () => undefined },
  },

  tenantLogoApiSlice: {
    uploadLightLogo: { args: (c) => ({ org: c.org, formData: form({ file: file('logo.png') }) }) },
    uploadDarkLogo: { args: (c) => ({ org: c.org, formData: form({ file: file('logo-dark.png') }) }) },
  },

  toolsApiSlice: {
    // web-utils useMentorTools: hasTool(tools, ...) runs tools.some((tool) => tool.slug === slug).
    getTools: { with: (c) => ({ mentor: c.mentor }), phase: 2, consumer: 'web-utils useMentorTools', reads: [array(''), string('[].slug')] },
  },

  trainingDocumentsApiSlice: {
    getTrainingDocuments: { with: (c) => ({ pathway: c.mentor }), phase: 2, harvest: (d, c) => { c.document = first(d)?.id; } },
    addTrainingDocument: { with: (c) => ({ formData: { file: file('notes.txt', 'text/plain'), pathway: c.mentor, type: 'file' } }) },
    editTrainingDocument: { with: (c) => ({ documentId: c.document ?? 1 }) },
    deleteTrainingDocument: { with: (c) => ({ documentId: c.document ?? 1 }) },
    getTrainingDocumentRetrainSchedule: { with: (c) => ({ documentId: c.document ?? 1 }), phase: 2 },
    createTrainingDocumentRetrainSchedule: { with: (c) => ({ documentId: c.document ?? 1 }) },
  },

  userApiSlice: {
    getUserMetadata: { lms: true, args: (c) => ({ params: { username: c.user } }) },
    updateUserMetadata: { lms: true, args: (c) => ({ username: c.user, name: 'Demo Admin' }) },
    updateUserAccount: { lms: true, args: (c) => ({ username: c.user, name: 'Demo Admin' }) },
    resetPassword: { lms: true, args: (c) => ({ email: `${c.user}@demo.example.com` }) },
    updateUserRole: { lms: true, args: (c) => ({ active: true, org: c.org, role: 'staff', username: c.learner }) },
    getUserMetadataEdx: { lms: true, args: (c) => ({ params: { username: c.user } }) },
    uploadProfileImage: { lms: true, args: (c) => ({ file: file('me.png'), filename: 'me.png', username: c.user }) },
    removeProfileImage: { lms: true, args: (c) => ({ username: c.user }) },
    updateUserMetadataEdx: { lms: true, args: (c) => ({ username: c.user, body: { bio: 'Hello' }, method: 'PATCH', contentType: 'application/merge-patch+json' }) },
  },

  userInvitationsApiSlice: {
    getUserInvitations: { with: (c) => ({ platformKey: c.org }) },
    createUserInvitation: { with: (c) => ({ requestBody: { email: `user-invite.${c.run}@example.com`, platform_key: c.org } }) },
  },

  projectsApiSlice: {
    getUserProjects: { args: (c) => ({ tenantKey: c.org, username: c.user, params: {} }), harvest: (d, c) => { c.userProject = first(d)?.id; } },
    getUserProjectDetails: { args: (c) => ({ tenantKey: c.org, username: c.user, id: c.createdUserProject ?? c.userProject ?? 1 }), phase: 4 },
    createUserProject: {
      args: (c) => ({ tenantKey: c.org, username: c.user, data: { name: 'Harness project', description: 'Made by the harness' } }),
      harvest: (d, c) => { c.createdUserProject = d?.id; },
    },
    updateUserProject: { args: (c) => ({ tenantKey: c.org, username: c.user, id: c.createdUserProject ?? c.userProject ?? 1, data: { name: 'Harness project, renamed' } }) },
    deleteUserProject: { args: (c) => ({ tenantKey: c.org, username: c.user, id: c.createdUserProject ?? c.userProject ?? 1 }) },
    getAdminProjects: { args: (c) => ({ tenantKey: c.org, params: {} }), harvest: (d, c) => { c.adminProject = first(d)?.id; } },
    getAdminProjectDetails: { args: (c) => ({ tenantKey: c.org, id: c.createdAdminProject ?? c.adminProject ?? 1 }), phase: 4 },
    createAdminProject: {
      args: (c) => ({ tenantKey: c.org, data: { name: 'Harness admin project', description: 'Made by the harness' } }),
      harvest: (d, c) => { c.createdAdminProject = d?.id; },
    },
    updateAdminProject: { args: (c) => ({ tenantKey: c.org, id: c.createdAdminProject ?? c.adminProject ?? 1, data: { name: 'Harness admin project, renamed' } }) },
    deleteAdminProject: { args: (c) => ({ tenantKey: c.org, id: c.createdAdminProject ?? c.adminProject ?? 1 }) },
  },
};
