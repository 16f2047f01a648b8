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

const nudgeIntervalMs = 1_000;
const flushTimeoutMs = 5_000;

/**
 * Commits processed offsets through the stream's own commit queue, which merges them per partition. That queue
 * holds a commit requested while the consumer is between group generations and sends it with the next request, so
 * the last offsets of a partition that then goes quiet could wait indefinitely (and the lag would never reach 0):
 * every second the latest unanswered commit of each partition is requested again.
 */
export function createOffsetCommitter(group: string, log: EventsLogger): OffsetCommitter {
  const waiting = new Map<string, { message: AnyMessage; answered: Promise<void> }>();
  const commit = (message: AnyMessage) => {
    const partition = `${message.topic}/${message.partition}`;
    const answered = Promise.resolve(message.commit()).then(
      () => {
        if (waiting.get(partition)?.message === message) waiting.delete(partition);
      },
      (error: unknown) => {
        if (waiting.get(partition)?.message === message) waiting.delete(partition);
        log.warn(
          { group, topic: message.topic, partition: message.partition, err: error },
          'An offset commit failed; the messages after the last committed offset will be delivered again (harmless: they are deduplicated).',
        );
      },
    );
    waiting.set(partition, { message, answered });
  };
  const timer = setInterval(() => {
    for (const { message } of waiting.values()) commit(message);
  }, nudgeIntervalMs);
  return {
    commit,
    async flush() {
      const answers = Promise.all([...waiting.values()].map((entry) => entry.answered));
      await Promise.race([answers, sleep(flushTimeoutMs)]);
    },
    stop() {
      clearInterval(timer);
      waiting.clear();
    },
  };
}
