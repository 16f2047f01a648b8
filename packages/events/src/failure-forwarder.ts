import type { Message } from '@platformatic/kafka';
import type { ConsumerMetrics } from './consumer-metrics.ts';
import { createEventProducer, type EventProducer } from './kafka-clients.ts';
import type { EventsLogger } from './logger.ts';
import { failureHeaders, maxTries } from './retry-topics.ts';

const maxErrorLength = 1_000;

export interface FailureForwarder {
  /**
   * Copies `message`, which failed its `tryNumber`-th try, to `target` (a retry topic read `delayMs` later, or the
   * dead-letter topic when `delayMs` is undefined) with headers telling its story. Resolves once the broker has it.
   */
  forward(
    message: Message<string, string, string, string>,
    failure: unknown,
    route: { tryNumber: number; target: string; delayMs: number | undefined },
  ): Promise<void>;
  close(): Promise<void>;
}

function describe(error: unknown): { message: string; code: string } {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown } | null)?.code;
  return { message: message.slice(0, maxErrorLength), code: typeof code === 'string' ? code : '' };
}

export function createFailureForwarder(options: {
  group: string;
  brokers: string[];
  metrics: ConsumerMetrics;
  log: EventsLogger;
}): FailureForwarder {
  const { group, brokers, metrics, log } = options;
  let producer: EventProducer | undefined;
  return {
    async forward(message, failure, { tryNumber, target, delayMs }) {
      const { message: error, code } = describe(failure);
      const headers: Record<string, string> = Object.fromEntries(message.headers);
      headers[failureHeaders.originalTopic] ??= message.topic;
      headers[failureHeaders.originalPartition] ??= String(message.partition);
      headers[failureHeaders.originalOffset] ??= String(message.offset);
      headers[failureHeaders.error] = error;
      headers[failureHeaders.errorCode] = code;
      headers[failureHeaders.tries] = String(tryNumber);
      if (delayMs === undefined) delete headers[failureHeaders.notBefore];
      else headers[failureHeaders.notBefore] = String(Date.now() + delayMs);
      producer ??= createEventProducer(brokers, `conduit-${group}-retries`);
      const sending = producer;
      try {
        await sending.send({
          messages: [{ topic: target, key: message.key, value: message.value, headers }],
        });
      } catch (sendError) {
        // A new producer session after a failed send, as the relay does: the old one's sequence may be off.
        if (producer === sending) producer = undefined;
        sending.close().catch(() => {});
        throw sendError;
      }
      const details = { group, eventId: headers['event-id'], tries: tryNumber, to: target, error };
      if (delayMs === undefined) {
        metrics.consumed('dead_lettered');
        log.error(
          details,
          `An event failed ${maxTries} times and went to the dead-letter topic; fix the cause, then replay it from there.`,
        );
      } else {
        metrics.consumed('retried');
        log.warn(details, 'An event failed; it is tried again after a delay.');
      }
    },
    async close() {
      await producer?.close().catch(() => {});
      producer = undefined;
    },
  };
}
