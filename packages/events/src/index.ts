export { appendEvent } from './append-event.ts';
export { type ConsumerOptions, type EventConsumer, startConsumer } from './consumer.ts';
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
export type { EventsLogger } from './logger.ts';
export { migrateEvents } from './migrate.ts';
export { type Relay, type RelayOptions, type RelaySource, startRelay } from './relay.ts';
export { failureHeaders, maxTries, retryTopics } from './retry-topics.ts';
