import {
  type CommentOwnRow,
  commentOwnColumns,
  createCommentRepository,
  type Repositories,
  toComment,
} from '@scaling/conduit';
import { appendEvent, articleKey } from '@scaling/events';
import type pg from 'pg';
import type { ArticleDirectory } from './article-directory.ts';
import { articleFacts } from './article-events.ts';
import { withAuthors } from './authors.ts';
import { vanishedArticle } from './errors.ts';
import { authorSettled, readAsOwner, writeAsOwner } from './fence.ts';
import type { ShardSet } from './shard-set.ts';

type CommentRepository = Repositories['comments'];
type CommentOnShard = CommentOwnRow & { author_id: number };

const ownColumns = `${commentOwnColumns}, c.author_id::float8 AS author_id`;

/**
 * Comments live with their article, on its author's shard; their authors (any user) come from the global database.
 * An article's author is found from its id through the directory, remembered in process.
 */
export function createShardedComments(context: {
  global: pg.Pool;
  shards: ShardSet;
  directory: ArticleDirectory;
}): CommentRepository {
  const { global, shards, directory } = context;

  async function ownerOf(articleId: number): Promise<number | null> {
    return directory.authorOf(articleId);
  }

  return {
    async listForArticle(articleId, page, viewerId) {
      const owner = await ownerOf(articleId);
      if (owner === null) return [];
      const rows = await readAsOwner(
        shards,
        owner,
        async (db) =>
          (
            await db.query<CommentOnShard>(
              `SELECT ${ownColumns} FROM comments c
                WHERE c.article_id = $1 AND ${authorSettled('$2::bigint')}
                ORDER BY c.created_at DESC, c.id DESC LIMIT $3 OFFSET $4`,
              [articleId, owner, page.limit, page.offset],
            )
          ).rows,
        (found) => found.length > 0,
      );
      return (await withAuthors(global, rows, viewerId)).map(toComment);
    },

    async insert(comment) {
      const owner = await ownerOf(comment.articleId);
      if (owner === null) throw vanishedArticle(comment.articleId);
      const row = await writeAsOwner(shards, owner, async (client) => {
        const { rows } = await client.query<CommentOnShard>(
          `WITH c AS (INSERT INTO comments (article_id, author_id, body) VALUES ($1, $2, $3) RETURNING *)
           SELECT ${ownColumns} FROM c`,
          [comment.articleId, comment.authorId, comment.body],
        );
        const created = rows[0] as CommentOnShard;
        const facts = await articleFacts(client, comment.articleId);
        await appendEvent(client, {
          type: 'comment.added',
          key: articleKey(comment.articleId),
          data: {
            articleId: comment.articleId,
            slug: facts?.slug,
            title: facts?.title,
            authorId: owner,
            commentId: created.id,
            commenterId: comment.authorId,
          },
        });
        return created;
      });
      const [composed] = await withAuthors(global, [row], comment.authorId);
      if (!composed)
        throw new Error(`Comment ${row.id}'s author ${comment.authorId} is not in the global database.`);
      return toComment(composed);
    },

    async findAuthorId(articleId, commentId) {
      const owner = await ownerOf(articleId);
      if (owner === null) return null;
      return readAsOwner(
        shards,
        owner,
        (db) => createCommentRepository(db).findAuthorId(articleId, commentId),
        (found) => found !== null,
      );
    },

    async delete(articleId, commentId) {
      const owner = await ownerOf(articleId);
      if (owner === null) return null;
      return writeAsOwner(shards, owner, async (client) => {
        const authorId = await createCommentRepository(client).delete(articleId, commentId);
        if (authorId !== null) {
          await appendEvent(client, {
            type: 'comment.deleted',
            key: articleKey(articleId),
            data: { articleId, commentId },
          });
        }
        return authorId;
      });
    },
  };
}
