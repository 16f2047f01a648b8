import { withTransaction } from '@scaling/db';
import type pg from 'pg';
import {
  type ArticleRepository,
  createArticleRepository,
  type TransactionArticles,
} from './articles/article-repository.ts';
import { createCommentRepository } from './comments/comment-repository.ts';
import { createProfileRepository } from './profiles/profile-repository.ts';
import { createUserRepository, type UserRepository } from './users/user-repository.ts';

/** The databases the API runs its SQL on; the app owns their pools and closes them. */
export interface Database {
  /** Every write and every transaction, and the reads that must see them. */
  primary: pg.Pool;
}

/**
 * What the routes read and write through, and the only thing they get to reach the data: a stage that sends
 * reads to a replica or puts a cache in front of a repository builds its own `Repositories` and passes them in
 * `ConduitOptions`, without touching a route.
 */
export interface Repositories {
  users: UserRepository;
  profiles: ReturnType<typeof createProfileRepository>;
  articles: ArticleRepository;
  comments: ReturnType<typeof createCommentRepository>;
  /**
   * Runs fn inside one transaction on the primary, handing it the transaction's repositories: they see its
   * uncommitted writes, and everything commits or rolls back together. A stage's own `transaction` hands its own,
   * so it sees every write the transaction makes (to invalidate a cache once it commits). `ownerId` is the user
   * whose data it changes (the article's author): a store split by owner (stage 6's shards) runs it where they live.
   */
  transaction<T>(ownerId: number, fn: (tx: TransactionRepositories) => Promise<T>): Promise<T>;
}

/** What a transaction's work reaches: the repositories on its connection, and the connection itself. */
export interface TransactionRepositories {
  articles: TransactionArticles;
  /** For hooks that write in the same transaction (`hooks.articlePublished`), nothing else. */
  client: pg.PoolClient;
}

export function createRepositories(database: Database): Repositories {
  const { primary } = database;
  return {
    users: createUserRepository(primary),
    profiles: createProfileRepository(primary),
    articles: createArticleRepository(primary),
    comments: createCommentRepository(primary),
    transaction: (_ownerId, fn) =>
      withTransaction(primary, (client) => fn({ articles: createArticleRepository(client), client })),
  };
}
