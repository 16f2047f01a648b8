export { buildConduitApp, type ConduitAppOptions } from './app.ts';
export type { Viewer } from './http/authentication.ts';
export type { AllowedOrigins } from './http/cors.ts';
export { frameworkErrors } from './http/error-handler.ts';
export type { ConduitHooks, ConduitOptions } from './options.ts';
export { conduit } from './plugin.ts';
export { createRepositories, type Database, type Repositories } from './repositories.ts';
export {
  type CredentialLimits,
  type CredentialThrottle,
  defaultCredentialLimits,
} from './users/credential-throttle.ts';
