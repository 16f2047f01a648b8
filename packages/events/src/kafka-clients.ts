import { Admin, ProduceAcks, Producer, stringSerializers } from '@platformatic/kafka';
import { eventsTopic, eventsTopicPartitions } from './event-types.ts';

export type EventProducer = Producer<string, string, string, string>;

export interface TopicSpec {
  name: string;
  partitions: number;
}

// The client retries briefly by itself; longer outages are the caller's loop's business, with its own backoff,
// so a call never hangs for long while a broker is away.
const clientTimeouts = { connectTimeout: 3_000, requestTimeout: 10_000, retries: 2, retryDelay: 500 };

/**
 * An idempotent producer with acks from every in-sync replica: a retried send never writes a message twice
 * and a message acknowledged is on every replica. Keys and values are strings (JSON for values).
 */
export function createEventProducer(brokers: string[], clientId: string): EventProducer {
  return new Producer({
    clientId,
    bootstrapBrokers: brokers,
    idempotent: true,
    acks: ProduceAcks.ALL,
    serializers: stringSerializers,
    ...clientTimeouts,
  });
}

/** Creates every topic of `topics` the cluster lacks; another process creating one at the same time is fine. */
export async function ensureTopics(brokers: string[], clientId: string, topics: TopicSpec[]): Promise<void> {
  const admin = new Admin({ clientId, bootstrapBrokers: brokers, ...clientTimeouts });
  try {
    const existing = new Set(await admin.listTopics());
    for (const topic of topics) {
      if (existing.has(topic.name)) continue;
      try {
        await admin.createTopics({ topics: [topic.name], partitions: topic.partitions, replicas: -1 });
      } catch (error) {
        if (!(await admin.listTopics()).includes(topic.name)) throw error;
      }
    }
  } finally {
    await admin.close();
  }
}

export const eventsTopicSpec: TopicSpec = { name: eventsTopic, partitions: eventsTopicPartitions };

export { clientTimeouts };
