import { CodedError } from '@scaling/errors';

/** Why events cannot be written, published or consumed; `code` is stable, the message says what to do. */
export type EventsErrorCode =
  | 'EVENTS_UNKNOWN_TYPE'
  | 'EVENTS_INVALID_KEY'
  | 'EVENTS_OUTBOX_MISSING'
  | 'EVENTS_MALFORMED_MESSAGE'
  | 'EVENTS_INVALID_OPTIONS'
  | 'EVENTS_JOIN_TIMEOUT';

export class EventsError extends CodedError<EventsErrorCode> {}
