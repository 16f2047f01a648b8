import { createCommentRepository, type Repositories } from '@scaling/conduit';
import type pg from 'pg';
import type { ChangePublisher } from './change-publisher.ts';
import { createChangeSet } from './change-set.ts';
import type { ReadRouting } from './read-routing.ts';

type CommentRepository = Repositories['comments'];

/**
 * Comments are not cached (each article's thread is read far less than the article): their pages are read on a
 * replica that has the viewer's last write, and a comment written or deleted becomes its author's last write.
 */
export function createReadPathComments(
  primary: pg.Pool,
  routing: ReadRouting,
  publish: ChangePublisher,
): CommentRepository {
  const comments = createCommentRepository(primary);
  const wrote = (userId: number) => {
    const changes = createChangeSet();
    changes.writer(userId);
    return publish(changes.toChange());
  };
  return {
    async listForArticle(articleId, page, viewerId) {
      const floor = await routing.floor(viewerId);
      return routing.on(floor, (db) => createCommentRepository(db).listForArticle(articleId, page, viewerId));
    },
    async insert(comment) {
      const created = await comments.insert(comment);
      await wrote(comment.authorId);
      return created;
    },
    findAuthorId: comments.findAuthorId,
    async delete(articleId, commentId) {
      const authorId = await comments.delete(articleId, commentId);
      if (authorId !== null) await wrote(authorId);
      return authorId;
    },
  };
}
