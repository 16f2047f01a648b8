import { EventsError } from './errors.ts';
import { type ConduitEvent, isEventType } from './event-types.ts';

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The event in a message's value, or EVENTS_MALFORMED_MESSAGE: such a message fails like a failing handler. */
export function parseEvent(value: string | undefined): ConduitEvent {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value ?? '');
  } catch (error) {
    throw new EventsError(
      'EVENTS_MALFORMED_MESSAGE',
      'The message value is not JSON; only the relay should write to this topic.',
      {
        cause: error,
      },
    );
  }
  const event = parsed as Partial<ConduitEvent> | null;
  if (
    typeof event?.id !== 'string' ||
    !uuidPattern.test(event.id) ||
    typeof event.type !== 'string' ||
    !isEventType(event.type) ||
    typeof event.key !== 'string' ||
    typeof event.occurredAt !== 'string' ||
    typeof event.data !== 'object' ||
    event.data === null
  ) {
    throw new EventsError(
      'EVENTS_MALFORMED_MESSAGE',
      'The message is not a Conduit event ({ id: uuid, type, key, occurredAt, data }); only the relay should write to this topic.',
    );
  }
  return event as ConduitEvent;
}
