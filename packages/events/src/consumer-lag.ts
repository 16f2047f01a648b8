import type { Consumer } from '@platformatic/kafka';
import type { ConsumerMetrics } from './consumer-metrics.ts';
import type { EventsLogger } from './logger.ts';

export interface LagSource {
  topic: string;
  consumer: Consumer<string, string, string, string>;
}

/** Messages after the committed offset of each partition of `source.topic`, for the consumer's group. */
async function readLag({ topic, consumer }: LagSource): Promise<number[]> {
  const latest = (await consumer.listOffsets({ topics: [topic] })).get(topic) ?? [];
  const earliest = (await consumer.listOffsets({ topics: [topic], timestamp: -2n })).get(topic) ?? [];
  const partitions = latest.map((_, partition) => partition);
  const committed =
    (await consumer.listCommittedOffsets({ topics: [{ topic, partitions }] })).get(topic) ?? [];
  return partitions.map((partition) => {
    const end = latest[partition] ?? 0n;
    const commit = committed[partition] ?? -1n;
    // -1: the group never committed here and starts from the earliest message still kept.
    const done = commit >= 0n ? commit : (earliest[partition] ?? 0n);
    return Number(end > done ? end - done : 0n);
  });
}

/**
 * Sets kafka_consumer_lag for every source every `intervalMs`, from the broker's offsets (end of log and the group's
 * commit), so it is right whatever the consumer is doing. A tick is skipped while the previous one still runs.
 */
export function monitorLag(options: {
  sources: LagSource[];
  intervalMs: number;
  metrics: ConsumerMetrics;
  log: EventsLogger;
  group: string;
}): { stop(): Promise<void> } {
  const { sources, intervalMs, metrics, log, group } = options;
  let running: Promise<void> | undefined;
  const refresh = async () => {
    for (const source of sources) {
      for (const [partition, lag] of (await readLag(source)).entries())
        metrics.lag(source.topic, partition, lag);
    }
  };
  const timer = setInterval(() => {
    running ??= refresh()
      .catch((error: unknown) =>
        log.warn(
          { group, err: error },
          'The consumer lag could not be read from Kafka; the last figures stay.',
        ),
      )
      .finally(() => {
        running = undefined;
      });
  }, intervalMs);
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
