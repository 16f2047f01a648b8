export {
  type ArticleInput,
  buildArticle,
  buildComment,
  buildUser,
  type CommentInput,
  type UserInput,
  uniqueSuffix,
} from './factories.ts';
export { type ChildRedis, type RedisAddress, redisServerBinary, startChildRedis } from './redis-server.ts';
