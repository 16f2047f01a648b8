export { appendEvent } from './append-event.ts';
export { EventsError, type EventsErrorCode } from './errors.ts';
export {
  articleKey,
  type ConduitEvent,
  type EventType,
  eventsTopic,
  eventsTopicPartitions,
  eventTypes,
  isEventType,
  userKey,
} from './event-types.ts';
export { eventsMigrationsDir, migrateEvents } from './migrate.ts';
