import { setTimeout as sleep } from 'node:timers/promises';
import type { Message } from '@platformatic/kafka';
import type { EventsLogger } from './logger.ts';

type AnyMessage = Message<string, string, string, string>;

export interface OffsetCommitter {
  /** Commits `message` (and everything before it on its partition) without waiting for the broker's answer. */
  commit(message: AnyMessage): void;
  /** Waits (up to 5 s) for the answers to the commits requested so far. */
  flush(): Promise<void>;
  stop(): void;
}

const retryIntervalMs = 1_000;
const flushTimeoutMs = 5_000;

interface Pending {
  message: AnyMessage;
  answered: Promise<void>;
  failed: boolean;
}

/**
 * Commits processed offsets through the stream's commit queue, which merges them per partition. The client reports
 * a failed commit (a coordinator moving, a broker restarting) and does not try it again by itself, so the last
 * offset of a partition that then goes quiet would stay uncommitted, its lag above 0 and its messages due again:
 * the latest failed commit of each partition is requested again every second until it lands or a later one does.
 */
export function createOffsetCommitter(group: string, log: EventsLogger): OffsetCommitter {
  const pending = new Map<string, Pending>();
  /** Partitions whose commit failure was logged: one line per outage, not one per second. */
  const warned = new Set<string>();
  const request = (message: AnyMessage) => {
    const partition = `${message.topic}/${message.partition}`;
    const entry: Pending = { message, failed: false, answered: Promise.resolve() };
    entry.answered = Promise.resolve(message.commit()).then(
      () => {
        warned.delete(partition);
        if (pending.get(partition)?.message === message) pending.delete(partition);
      },
      (error: unknown) => {
        if (pending.get(partition) !== entry) return;
        entry.failed = true;
        if (warned.has(partition)) return;
        warned.add(partition);
        log.warn(
          { group, topic: message.topic, partition: message.partition, err: error },
          'An offset commit failed; it is tried again every second (until then a restart would redeliver, harmlessly).',
        );
      },
    );
    pending.set(partition, entry);
  };
  const timer = setInterval(() => {
    for (const { message, failed } of pending.values()) if (failed) request(message);
  }, retryIntervalMs);
  return {
    commit: request,
    async flush() {
      const answers = Promise.all([...pending.values()].map((entry) => entry.answered));
      await Promise.race([answers, sleep(flushTimeoutMs)]);
    },
    stop() {
      clearInterval(timer);
      pending.clear();
    },
  };
}
