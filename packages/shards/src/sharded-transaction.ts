import type { Repositories } from '@scaling/conduit';
import type { ArticleDirectory } from './article-directory.ts';
import { writeAsOwner } from './fence.ts';
import type { ShardSet } from './shard-set.ts';
import { createTransactionArticles } from './transaction-articles.ts';

type TransactionArticles = ReturnType<typeof createTransactionArticles>;

/**
 * `Repositories.transaction` on shards: one fenced transaction on the owner's shard, its article events appended
 * last inside it. The directory is global, so it is not part of the transaction: slugs are claimed before the shard
 * commits and released when the shard transaction fails, commit included (a crash in between, or a failed release,
 * leaves a claim that answers 404).
 */
export function createShardedTransaction(
  shards: ShardSet,
  directory: ArticleDirectory,
): Repositories['transaction'] {
  return async (ownerId, fn) => {
    let tx: TransactionArticles | undefined;
    let result: Awaited<ReturnType<typeof fn>>;
    try {
      result = await writeAsOwner(shards, ownerId, async (client) => {
        tx = createTransactionArticles(client, directory, ownerId);
        const result = await fn({ articles: tx.articles, client });
        await tx.finish();
        return result;
      });
    } catch (error) {
      // The original failure is what the caller must see; a claim left behind only answers 404.
      await tx?.abandon().catch(() => {});
      throw error;
    }
    await tx?.committed();
    return result;
  };
}
