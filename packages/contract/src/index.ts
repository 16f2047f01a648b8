export {
  type Article,
  type ArticleListItem,
  articleListItemSchema,
  articleSchema,
  commentsQuerySchema,
  type ListArticlesQuery,
  listArticlesQuerySchema,
  maxOffset,
  maxPageSize,
  multipleArticlesResponseSchema,
  type NewArticleRequest,
  newArticleRequestSchema,
  paginationQuerySchema,
  singleArticleResponseSchema,
  slugParamsSchema,
  type UpdateArticleRequest,
  updateArticleRequestSchema,
} from './articles.ts';
export {
  type Comment,
  commentParamsSchema,
  commentSchema,
  multipleCommentsResponseSchema,
  type NewCommentRequest,
  newCommentRequestSchema,
  singleCommentResponseSchema,
} from './comments.ts';
export { type ErrorBody, errorBodySchema, errorMessages, HttpError, noContentSchema } from './errors.ts';
export { maxLength, maxPathSegmentLength, maxTagsPerArticle, passwordLength } from './fields.ts';
export { healthResponseSchema } from './health.ts';
export { type Profile, profileResponseSchema, profileSchema, usernameParamsSchema } from './profiles.ts';
export { tagsResponseSchema } from './tags.ts';
export {
  type LoginRequest,
  loginRequestSchema,
  type RefreshRequest,
  type RegisterRequest,
  refreshRequestSchema,
  registerRequestSchema,
  type UpdateUserRequest,
  type User,
  updateUserRequestSchema,
  userResponseSchema,
  userSchema,
} from './users.ts';
