export {
  type ArticleInput,
  buildArticle,
  buildComment,
  buildUser,
  type CommentInput,
  type UserInput,
  uniqueSuffix,
} from './factories.ts';
