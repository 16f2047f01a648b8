import { buildArticle } from '@scaling/testing';
import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { unavailableBodies } from '../src/http/error-handler.ts';
import { buildTestApp, createArticle, expectError, registerUser, tokenHeader } from './support/test-app.ts';

/** A second connection, as a database administrator (or a failover) would cut one of the app's. */
const admin = new pg.Client({ connectionString: inject('databaseUrl') });
await admin.connect();

/** Titles that make the hook cut its own transaction's connection, and how it cuts it. */
const cutTitles = {
  'between two statements': 'Cut between statements',
  'during a statement': 'Cut during a statement',
};

const app = await buildTestApp({
  hooks: {
    async articlePublished(db, article) {
      const { rows } = await db.query<{ pid: number; title: string }>(
        'SELECT pg_backend_pid() AS pid, title FROM articles WHERE id = $1',
        [article.id],
      );
      const { pid, title } = rows[0] as { pid: number; title: string };
      if (title === cutTitles['between two statements']) {
        // Idle in the transaction, with no statement running: the server's message reaches no query, so pg
        // emits 'error' on the client, which pg-pool does not listen to while the client is checked out.
        await admin.query('SELECT pg_terminate_backend($1)', [pid]);
        await new Promise((resolve) => setTimeout(resolve, 300));
      } else if (title === cutTitles['during a statement']) {
        const sleeping = db.query('SELECT pg_sleep(5)');
        // The termination can reject it before the admin's own answer arrives, while nothing awaits it yet: observed
        // at once, that is no unhandled rejection; the await below still throws it into the transaction.
        sleeping.catch(() => {});
        await new Promise((resolve) => setTimeout(resolve, 100));
        await admin.query('SELECT pg_terminate_backend($1)', [pid]);
        await sleeping;
      }
    },
  },
});
afterAll(async () => {
  await app.close();
  await admin.end();
});

/** What would end a real process: an 'error' event nobody listens to is thrown as an uncaught exception. */
const uncaught: unknown[] = [];
const recordUncaught = (error: unknown) => uncaught.push(error);
process.on('uncaughtException', recordUncaught);
afterAll(() => {
  process.off('uncaughtException', recordUncaught);
});

describe('a database connection that dies inside a transaction', () => {
  it.each(Object.entries(cutTitles))(
    'When the connection is terminated %s, then 503 with Retry-After, nothing is written and the process goes on',
    async (_when, title) => {
      const author = await registerUser(app);
      const response = await app.inject({
        method: 'POST',
        url: '/api/articles',
        headers: tokenHeader(author.token),
        payload: { article: buildArticle({ title }) },
      });
      expectError(response, 503, unavailableBodies.database.errors);
      expect(response.headers['retry-after']).toBe('1');
      const list = await app.inject({ url: `/api/articles?author=${author.username}` });
      expect(list.json().articlesCount).toBe(0);
      // The pool dropped the dead client: the next write on the same app succeeds.
      await createArticle(app, author.token);
      expect(uncaught).toEqual([]);
    },
  );
});
