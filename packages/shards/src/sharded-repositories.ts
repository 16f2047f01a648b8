import type { Repositories } from '@scaling/conduit';
import type pg from 'pg';
import { createArticleDirectory } from './article-directory.ts';
import { createGlobalProfiles, createGlobalUsers } from './global-writes.ts';
import type { ShardSet } from './shard-set.ts';
import { createShardedArticles } from './sharded-articles.ts';
import { createShardedComments } from './sharded-comments.ts';
import { createShardedTransaction } from './sharded-transaction.ts';

/**
 * Conduit's repositories on a global database (accounts, follows, the article directory) and shards split by author
 * (articles and everything on them): routes unchanged. Every write appends its event (@scaling/events) in its own
 * transaction, on the database it changes.
 */
export function createShardedRepositories(options: { global: pg.Pool; shards: ShardSet }): Repositories {
  const { global, shards } = options;
  const directory = createArticleDirectory(global);
  const transaction = createShardedTransaction(shards, directory);
  return {
    users: createGlobalUsers(global),
    profiles: createGlobalProfiles(global),
    articles: createShardedArticles({ global, shards, directory, transaction }),
    comments: createShardedComments({ global, shards, directory }),
    transaction,
  };
}
