import type { Queryable } from '@scaling/db';
import { EventsError } from './errors.ts';
import { type EventType, eventsTopic, isEventType } from './event-types.ts';

const maxKeyLength = 200;

/**
 * Writes an event to the outbox through `db`, which must be the connection of the transaction that makes the
 * change: the event then commits or rolls back with it. Returns the event id consumers deduplicate by.
 */
export async function appendEvent(
  db: Queryable,
  event: { type: EventType; key: string; data: object },
): Promise<string> {
  if (!isEventType(event.type)) {
    throw new EventsError(
      'EVENTS_UNKNOWN_TYPE',
      `The event type "${event.type}" is not one of @scaling/events' EventType values; add it there before writing it.`,
    );
  }
  if (event.key.length === 0 || event.key.length > maxKeyLength) {
    throw new EventsError(
      'EVENTS_INVALID_KEY',
      `An event key must be 1 to ${maxKeyLength} characters (use articleKey(id) or userKey(id)); got ${event.key.length}.`,
    );
  }
  try {
    const { rows } = await db.query<{ event_id: string }>(
      'INSERT INTO outbox (topic, key, type, payload) VALUES ($1, $2, $3, $4) RETURNING event_id',
      [eventsTopic, event.key, event.type, event.data],
    );
    const [row] = rows;
    if (!row) throw new Error('INSERT ... RETURNING returned no row for the outbox event.');
    return row.event_id;
  } catch (error) {
    if ((error as { code?: string }).code === '42P01') {
      throw new EventsError(
        'EVENTS_OUTBOX_MISSING',
        'The outbox table does not exist in this database: run migrateEvents(databaseUrl) from @scaling/events on it.',
        { cause: error },
      );
    }
    throw error;
  }
}
