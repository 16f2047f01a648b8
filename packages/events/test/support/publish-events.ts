import { randomUUID } from 'node:crypto';
import { type ConduitEvent, eventsTopic } from '../../src/index.ts';
import { createEventProducer } from '../../src/kafka-clients.ts';
import type { EventInput } from './build-event.ts';

/** The event a relay would publish for `input`: a fresh id, now as its time. */
export function asPublished(input: EventInput): ConduitEvent {
  return { id: randomUUID(), occurredAt: new Date().toISOString(), ...input };
}

function toMessage(event: ConduitEvent) {
  return {
    topic: eventsTopic,
    key: event.key,
    value: JSON.stringify(event),
    headers: { 'event-id': event.id, 'event-type': event.type },
  };
}

/** Sends `events` in one batch, as a relay publishing a backlog does. */
export async function publishBatch(brokers: string[], events: ConduitEvent[]): Promise<void> {
  const producer = createEventProducer(brokers, 'events-test-producer');
  try {
    await producer.send({ messages: events.map(toMessage) });
  } finally {
    await producer.close();
  }
}

/**
 * Sends `events` to the events topic exactly as the relay does (key, JSON value, id and type headers), in order;
 * sending one twice is what a relay that crashed between send and mark does. Returns where each landed.
 */
export async function publishEvents(
  brokers: string[],
  events: ConduitEvent[],
): Promise<Array<{ partition: number; offset: bigint }>> {
  const producer = createEventProducer(brokers, 'events-test-producer');
  try {
    const placed = [];
    for (const event of events) {
      const { offsets } = await producer.send({ messages: [toMessage(event)] });
      const [offset] = offsets ?? [];
      if (!offset) throw new Error('The broker acknowledged a send without its offset.');
      placed.push({ partition: offset.partition, offset: offset.offset });
    }
    return placed;
  } finally {
    await producer.close();
  }
}
