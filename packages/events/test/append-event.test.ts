import { withTransaction } from '@scaling/db';
import { createOwnDatabase, type OwnDatabase } from '@scaling/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { appendEvent, articleKey, EventsError, eventsTopic, migrateEvents } from '../src/index.ts';

let database: OwnDatabase;

beforeAll(async () => {
  database = await createOwnDatabase(inject('databaseUrl'), 'events_append', migrateEvents);
});

afterAll(async () => {
  await database?.drop();
});

async function outboxRow(eventId: string) {
  const { rows } = await database.pool.query(
    'SELECT topic, key, type, payload, published_at FROM outbox WHERE event_id = $1',
    [eventId],
  );
  return rows[0];
}

describe('appendEvent', () => {
  it('When a transaction appends an event and commits, then the outbox holds it unpublished on the events topic', async () => {
    const eventId = await withTransaction(database.pool, (tx) =>
      appendEvent(tx, { type: 'article.deleted', key: articleKey(41), data: { articleId: 41, authorId: 7 } }),
    );

    expect(await outboxRow(eventId)).toEqual({
      topic: eventsTopic,
      key: 'article:41',
      type: 'article.deleted',
      payload: { articleId: 41, authorId: 7 },
      published_at: null,
    });
  });

  it('When the transaction that appended an event rolls back, then the event is gone with the change', async () => {
    let eventId = '';
    await expect(
      withTransaction(database.pool, async (tx) => {
        eventId = await appendEvent(tx, {
          type: 'user.updated',
          key: 'user:3',
          data: { userId: 3, username: 'x' },
        });
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');

    expect(eventId).not.toBe('');
    expect(await outboxRow(eventId)).toBeUndefined();
  });

  it('When the type is not an event type, then it fails with EVENTS_UNKNOWN_TYPE and writes nothing', async () => {
    const before = await database.pool.query('SELECT count(*)::int AS n FROM outbox');
    const attempt = appendEvent(database.pool, {
      type: 'article.exploded' as 'article.deleted',
      key: 'article:1',
      data: {},
    });

    await expect(attempt).rejects.toBeInstanceOf(EventsError);
    await expect(attempt).rejects.toMatchObject({ code: 'EVENTS_UNKNOWN_TYPE' });
    const after = await database.pool.query('SELECT count(*)::int AS n FROM outbox');
    expect(after.rows[0].n).toBe(before.rows[0].n);
  });

  it('When migrateEvents runs twice from two callers at once, then both succeed and the tables exist once', async () => {
    await Promise.all([migrateEvents(database.url), migrateEvents(database.url)]);

    const { rows } = await database.pool.query<{ name: string }>('SELECT name FROM pgmigrations_events');
    expect(rows.map((row) => row.name)).toEqual(['0001_events']);
  });
});

describe('appendEvent on a database without the outbox', () => {
  let bare: OwnDatabase;

  beforeAll(async () => {
    bare = await createOwnDatabase(inject('databaseUrl'), 'events_bare', async () => {});
  });

  afterAll(async () => {
    await bare?.drop();
  });

  it('When the outbox table is missing, then it fails with EVENTS_OUTBOX_MISSING saying to run migrateEvents', async () => {
    const attempt = appendEvent(bare.pool, { type: 'user.registered', key: 'user:1', data: { userId: 1 } });

    await expect(attempt).rejects.toMatchObject({
      code: 'EVENTS_OUTBOX_MISSING',
      message: expect.stringContaining('migrateEvents'),
    });
  });
});
