export { buildConduitApp, type ConduitAppOptions } from './app.ts';
export {
  type ArticleFilter,
  type ArticleOwnRow,
  type ArticlePage,
  type ArticleRepository,
  type ArticleRow,
  articleOwnColumns,
  createArticleRepository,
  type SharedArticle,
  type TransactionArticles,
  taggedWith,
  toArticle,
  toListItem,
} from './articles/article-repository.ts';
export {
  type CommentOwnRow,
  commentOwnColumns,
  createCommentRepository,
  toComment,
} from './comments/comment-repository.ts';
export { withUniqueSuffix } from './domain/slug.ts';
export type { Viewer } from './http/authentication.ts';
export type { AllowedOrigins } from './http/cors.ts';
export { frameworkErrors } from './http/error-handler.ts';
export { defaultServerTimeouts, type ServerTimeouts, timeoutOptions } from './http/server-timeouts.ts';
export type { ConduitHooks, ConduitOptions } from './options.ts';
export { conduit } from './plugin.ts';
export { type AuthorRow, authorColumns, toAuthor } from './profiles/author.ts';
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
