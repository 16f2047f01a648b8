import { CodedError } from '@scaling/errors';

/** Why a sharded read or write cannot go on; `code` is stable, the message says what to do. */
export type ShardsErrorCode =
  | 'SHARD_AUTHOR_MOVED'
  | 'SHARD_UNKNOWN'
  | 'SHARD_INVALID_NAME'
  | 'SHARD_INVALID_URLS'
  | 'SHARD_RING_EMPTY'
  | 'SHARD_NO_FREE_SLUG';

export class ShardsError extends CodedError<ShardsErrorCode> {}

/**
 * The writer fence found the author's rows gone from this shard (resharding moved them): the write is retried on
 * `toShard`, which holds them now.
 */
export class AuthorMovedError extends ShardsError {
  readonly toShard: string;

  constructor(authorId: number, fromShard: string, toShard: string) {
    super(
      'SHARD_AUTHOR_MOVED',
      `Author ${authorId} moved from ${fromShard} to ${toShard} while this write was on its way: retry it on ${toShard}.`,
    );
    this.toShard = toShard;
  }
}

/**
 * An article that disappeared between the route's lookup and its write, as Postgres reports it on one database (a
 * foreign-key violation on the article): conduit's routes already answer that with 404.
 */
export function vanishedArticle(articleId: number): Error {
  return Object.assign(new Error(`Article ${articleId} is gone: it was deleted while this request ran.`), {
    code: '23503',
    constraint: 'comments_article_id_fkey',
  });
}

export function isAuthorMoved(error: unknown): error is AuthorMovedError {
  return error instanceof AuthorMovedError;
}
