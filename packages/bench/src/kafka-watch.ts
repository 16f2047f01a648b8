import { setTimeout as sleep } from 'node:timers/promises';
import { Admin, Consumer, Producer, stringDeserializers, stringSerializers } from '@platformatic/kafka';
import { loadPlan, type StageInput } from '@scaling/stack';

// What the bench reads from a running stage's Kafka broker itself, not from the consumers: a group's lag must be
// measurable while its consumer is stopped (then nobody else reports it), and a dead-letter topic is read directly.

/** The topic every Conduit event goes to (the contract of @scaling/events). */
export const eventsTopic = 'conduit.events';
const clientId = 'scaling-conduit-bench';
const requestTimeoutMs = 5_000;

/** The broker of a running stage as the native runner placed it: its `kafka` service's port on 127.0.0.1. */
export function kafkaBrokers(stage: StageInput): string[] {
  const kafka = loadPlan(stage).services.find((service) => service.name === 'kafka');
  const ports = kafka?.instances[0]?.ports ?? [];
  const port = (ports.find((mapping) => mapping.container === 9092) ?? ports[0])?.host;
  if (port === undefined) {
    throw new Error(`The stage has no "kafka" service with a native port: give it one in its compose file.`);
  }
  return [`127.0.0.1:${port}`];
}

export interface GroupLag {
  /** Messages on the topic the group has not committed yet, summed over partitions. */
  total: number;
  byPartition: Record<number, number>;
}

export interface KafkaWatch {
  /** The group's lag on a topic: end offsets minus committed offsets (a partition never committed counts whole). */
  lag(group: string, topic?: string): Promise<GroupLag>;
  close(): Promise<void>;
}

export function watchKafka(brokers: string[]): KafkaWatch {
  const admin = new Admin({ clientId, bootstrapBrokers: brokers, timeout: requestTimeoutMs, retries: 1 });
  return {
    async lag(group, topic = eventsTopic) {
      const metadata = await admin.metadata({ topics: [topic] });
      const partitions = metadata.topics.get(topic)?.partitionsCount ?? 0;
      const indexes = Array.from({ length: partitions }, (_, index) => index);
      const [ends, committed] = await Promise.all([
        admin.listOffsets({
          topics: [
            {
              name: topic,
              partitions: indexes.map((partitionIndex) => ({ partitionIndex, timestamp: -1n })),
            },
          ],
        }),
        admin.listConsumerGroupOffsets({
          groups: [{ groupId: group, topics: [{ name: topic, partitionIndexes: indexes }] }],
        }),
      ]);
      const committedBy = new Map(
        (committed[0]?.topics.find((candidate) => candidate.name === topic)?.partitions ?? []).map(
          (partition) => [partition.partitionIndex, partition.committedOffset],
        ),
      );
      const byPartition: Record<number, number> = {};
      let total = 0;
      for (const partition of ends[0]?.partitions ?? []) {
        const done = committedBy.get(partition.partitionIndex) ?? -1n;
        const behind = Number(partition.offset - (done < 0n ? 0n : done));
        byPartition[partition.partitionIndex] = behind;
        total += behind;
      }
      return { total, byPartition };
    },
    close: () => admin.close(),
  };
}

/** Polls the group's lag until it is 0 (every event committed), up to `timeoutMs`; returns how long it took. */
export async function waitForNoLag(
  watch: KafkaWatch,
  group: string,
  timeoutMs: number,
  output: (line: string) => void,
): Promise<number> {
  const started = Date.now();
  let lastReport = 0;
  for (;;) {
    const lag = await watch.lag(group).catch(() => undefined);
    if (lag?.total === 0) return Date.now() - started;
    if (Date.now() - started > timeoutMs) {
      throw new Error(
        `The consumer group "${group}" was still ${lag?.total ?? 'an unknown number of'} messages behind after ` +
          `${Math.round(timeoutMs / 1000)} s: check that its service runs ("pnpm stack ps 6") and read its log.`,
      );
    }
    if (Date.now() - lastReport > 10_000) {
      lastReport = Date.now();
      output(`waiting for "${group}" to catch up: ${lag?.total ?? '?'} messages behind...`);
    }
    await sleep(500);
  }
}

/** `waitForNoLag` that says when a group never caught up instead of throwing: the run goes on and reports it. */
export async function caughtUp(
  watch: KafkaWatch,
  group: string,
  timeoutMs: number,
  output: (line: string) => void,
): Promise<boolean> {
  try {
    await waitForNoLag(watch, group, timeoutMs, output);
    return true;
  } catch (error) {
    output((error as Error).message);
    return false;
  }
}

/** Sends one raw message (e.g. a poison message no consumer can handle) and returns where it landed. */
export async function produceRaw(
  brokers: string[],
  message: { topic: string; key: string; value: string; headers?: Record<string, string> },
): Promise<{ partition: number; offset: string }> {
  const producer = new Producer({
    clientId,
    bootstrapBrokers: brokers,
    serializers: stringSerializers,
    timeout: requestTimeoutMs,
  });
  try {
    const sent = await producer.send({
      messages: [
        { topic: message.topic, key: message.key, value: message.value, headers: message.headers ?? {} },
      ],
    });
    const landed = sent.offsets?.[0];
    return { partition: landed?.partition ?? -1, offset: String(landed?.offset ?? -1) };
  } finally {
    await producer.close();
  }
}

export interface FoundMessage {
  topic: string;
  partition: number;
  offset: string;
  key: string;
  headers: Record<string, string>;
  /** When the bench saw it, ms since the search began. */
  seenAfterMs: number;
}

/** Reads a topic from its start until a message with `key` arrives, up to `timeoutMs`; undefined if none did. */
export async function findMessage(
  brokers: string[],
  topic: string,
  key: string,
  timeoutMs: number,
): Promise<FoundMessage | undefined> {
  const started = Date.now();
  const deadline = AbortSignal.timeout(timeoutMs);
  // The topic may not exist yet (its consumer creates it at start): read again until the deadline.
  while (!deadline.aborted) {
    const found = await readUntil(brokers, topic, key, deadline).catch(() => undefined);
    if (found) return { ...found, seenAfterMs: Date.now() - started };
    if (!deadline.aborted) await sleep(1_000);
  }
  return undefined;
}

async function readUntil(
  brokers: string[],
  topic: string,
  key: string,
  deadline: AbortSignal,
): Promise<Omit<FoundMessage, 'seenAfterMs'> | undefined> {
  const consumer = new Consumer({
    clientId,
    // A group of its own, never committed: reading changes no offset anyone else uses.
    groupId: `${clientId}-${topic}-${Date.now()}`,
    bootstrapBrokers: brokers,
    deserializers: stringDeserializers,
    timeout: requestTimeoutMs,
  });
  try {
    const stream = await consumer.consume({
      topics: [topic],
      mode: 'earliest',
      autocommit: false,
      maxWaitTime: 500,
    });
    const closing = () => void stream.close().catch(() => undefined);
    deadline.addEventListener('abort', closing, { once: true });
    try {
      for await (const message of stream) {
        if (message.key === key) {
          return {
            topic: message.topic,
            partition: message.partition,
            offset: String(message.offset),
            key: message.key,
            headers: Object.fromEntries(message.headers),
          };
        }
      }
      return undefined;
    } finally {
      deadline.removeEventListener('abort', closing);
    }
  } finally {
    await consumer.close(true).catch(() => undefined);
  }
}
