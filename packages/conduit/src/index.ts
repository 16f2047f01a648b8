export { buildConduitApp, type ConduitAppOptions } from './app.ts';
export {
  type ArticleFilter,
  type ArticlePage,
  type ArticleRepository,
  createArticleRepository,
  type SharedArticle,
} from './articles/article-repository.ts';
export { createCommentRepository } from './comments/comment-repository.ts';
export type { Viewer } from './http/authentication.ts';
export type { AllowedOrigins } from './http/cors.ts';
export { frameworkErrors } from './http/error-handler.ts';
export type { ConduitHooks, ConduitOptions } from './options.ts';
export { conduit } from './plugin.ts';
export { createProfileRepository, type ProfileRecord } from './profiles/profile-repository.ts';
export {
  createViewerFlagsRepository,
  type ViewerFlags,
  type ViewerFlagsRepository,
} from './profiles/viewer-flags-repository.ts';
export {
  createRepositories,
  type Database,
  type Repositories,
  type TransactionRepositories,
} from './repositories.ts';
export {
  type CredentialLimits,
  type CredentialThrottle,
  defaultCredentialLimits,
} from './users/credential-throttle.ts';
export { createUserRepository, type UserRecord, type UserRepository } from './users/user-repository.ts';
