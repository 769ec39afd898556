// A module-loading hook (node:module register) that adds exports to the
// data layer's bundle as node loads it, so node_modules stays as npm
// installed it. @iblai/data-layer 1.1.2 builds projectsApiSlice (10 of
// its 252 data-manager endpoints) into the store an app makes
// (mentorReducer, mentorMiddleware) but does not export the slice, so no
// test could dispatch its endpoints; and it bundles a generated client of
// its own (OpenAPI.VERSION 4.95.5-ai-plus, 14 *Service classes) that the
// UI flows "credentials tab" and "license seat" call, as an app built on
// the data layer would. Each name below must exist in the bundle: a
// missing one is a SyntaxError at load, never a silent gap.

const BUNDLE = '/@iblai/data-layer/dist/index.esm.js';

export const SERVICES = [
  'AiAccountService', 'AiAnalyticsService', 'AiIndexService', 'AiMentorService', 'AiPromptService',
  'CatalogService', 'CommerceService', 'CoreService', 'CredentialsService', 'FeaturesService',
  'NotificationsService', 'ReportsService', 'SearchService', 'SkillsService',
];

/** load appends `export { projectsApiSlice as __projectsApiSlice, OpenAPI as __OpenAPI, ... }`. */
export async function load(url, context, next) {
  const out = await next(url, context);
  if (!url.endsWith(BUNDLE)) {
    return out;
  }
  const src = typeof out.source === 'string' ? out.source : Buffer.from(out.source).toString('utf8');
  const names = ['projectsApiSlice', 'OpenAPI', ...SERVICES].map((n) => `${n} as __${n}`);
  return { ...out, source: `${src}\nexport { ${names.join(', ')} };\n` };
}
