import { Counter, Gauge, metricOnce, type Registry } from '@scaling/metrics';

export type ConsumeOutcome = 'processed' | 'duplicate' | 'ignored' | 'retried' | 'dead_lettered';

export interface ConsumerMetrics {
  consumed(outcome: ConsumeOutcome): void;
  lag(topic: string, partition: number, messages: number): void;
  /** Drops this group's lag samples, so a stopped consumer leaves no stale figure behind. */
  clear(): void;
}

/**
 * Per group: `events_consumed_total{group,outcome}` and `kafka_consumer_lag{group,topic,partition}`, the messages
 * on the broker the group has not committed yet (for the events topic and the group's retry topics).
 */
export function createConsumerMetrics(registry: Registry | undefined, group: string): ConsumerMetrics {
  if (!registry) return { consumed() {}, lag() {}, clear() {} };
  const consumed = metricOnce(
    registry,
    'events_consumed_total',
    () =>
      new Counter({
        name: 'events_consumed_total',
        help: 'Messages a consumer group finished with: processed, duplicate (already processed), ignored (a type it does not handle), retried, dead_lettered.',
        labelNames: ['group', 'outcome'],
        registers: [registry],
      }),
  );
  const lag = metricOnce(
    registry,
    'kafka_consumer_lag',
    () =>
      new Gauge({
        name: 'kafka_consumer_lag',
        help: 'Messages in a partition after the offset its consumer group committed: the backlog still to process.',
        labelNames: ['group', 'topic', 'partition'],
        registers: [registry],
      }),
  );
  const lagSeries = new Map<string, { group: string; topic: string; partition: string }>();
  return {
    consumed(outcome) {
      consumed.inc({ group, outcome });
    },
    lag(topic, partition, messages) {
      const labels = { group, topic, partition: String(partition) };
      lagSeries.set(`${topic}/${partition}`, labels);
      lag.set(labels, messages);
    },
    clear() {
      for (const labels of lagSeries.values()) lag.remove(labels);
      lagSeries.clear();
    },
  };
}
