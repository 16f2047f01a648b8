import type { SessionStore } from '@scaling/sessions';
import type pg from 'pg';

export interface ConduitHooks {
  /**
   * Runs inside the transaction that inserts the article, on the same connection: whatever it writes
   * (a background job, an outbox event) commits or rolls back together with the article.
   */
  articlePublished?(db: pg.PoolClient, article: { id: number; authorId: number }): Promise<void>;
}

export interface ConduitOptions {
  sessions: SessionStore;
  hooks?: ConduitHooks;
}
