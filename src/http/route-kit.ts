/** What an engine's handlers may use from the HTTP core, in one import. */
export { callerOf, actionForMethod } from './plugins/caller.js';
export { auditActorOf, noChangeMade, recordPlaintextReads } from './plugins/audit.js';
export { pageOf, pageLinks, requestUrlWith } from './pagination.js';
export { perUserRateLimit } from './rate-limits.js';
export { absoluteUrl, publicOrigin, reachedOverHttps } from './public-url.js';
export { invalidJson } from './errors.js';
