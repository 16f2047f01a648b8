import { randomBytes, randomUUID } from 'node:crypto';
import { notificationsGroup } from '../event-audit.ts';
import type { Drill } from '../experiment.ts';
import { eventsTopic, findMessage, kafkaBrokers, produceRaw } from '../kafka-watch.ts';
import { eventDrill } from './event-delivery.ts';

const events: [number, number] = [2_000, 1_000];
const writesPerSecond = 50;
const poisonAt = 0.2;
/** The tries the contract gives a message before the dead-letter topic: the first and two retries. */
const triesBeforeDeadLetter = 3;
/** Two retry delays (1 s and 10 s by default) and the consumers' own pace, with room to spare. */
const deadLetterTimeoutMs = 120_000;

const deadLetterTopic = `${notificationsGroup}.dlt`;
const title = 'A poison message on the events topic';
const description =
  `Stage 6 (load-test variant). The write-heavy mix at ${writesPerSecond}/s through the API, ` +
  `${events[0].toLocaleString('en-US')} events in all; at ${poisonAt * 100}% of the writes the bench puts one ` +
  `event on \`${eventsTopic}\` that no consumer can apply (a \`comment.added\` whose data has no valid ids, as a buggy producer would write). The notifications consumer must ` +
  `try it ${triesBeforeDeadLetter} times (through its retry topics) and then move it to \`${deadLetterTopic}\` with ` +
  'its error and tries in the headers, while the other events keep flowing: afterwards the events the outboxes hold ' +
  'must equal the events the consumer recorded, and the notifications owed those found.';

export const poisonMessage: Drill = eventDrill('poison-message', {
  title,
  description,
  events,
  writesPerSecond,
  inject: (stage) =>
    async function inject({ mark, at, output }) {
      const brokers = kafkaBrokers(stage);
      const key = `poison:${randomBytes(4).toString('hex')}`;
      await at(poisonAt);
      // A well-formed event whose data breaks its type's promise (a producer's bug): it passes the consumer's
      // parsing and fails in the handler, inside the transaction that would record it.
      const eventId = randomUUID();
      const sent = await produceRaw(brokers, {
        topic: eventsTopic,
        key,
        value: JSON.stringify({
          id: eventId,
          type: 'comment.added',
          key,
          occurredAt: new Date().toISOString(),
          data: { articleId: 'not an id', commentId: 'not an id either' },
        }),
        headers: { 'event-id': eventId },
      });
      const sentAt = mark('poison message sent');
      output(
        `Poison message ${key} on ${eventsTopic} partition ${sent.partition}; waiting for ${deadLetterTopic}...`,
      );
      const found = await findMessage(brokers, deadLetterTopic, key, deadLetterTimeoutMs);
      if (found) mark(`poison message in ${deadLetterTopic}`);
      return {
        'poison message key': key,
        'poison message sent at, ms': sentAt,
        [`found in ${deadLetterTopic}`]: found ? 'yes' : 'no',
        'dead-letter headers': JSON.stringify(found?.headers ?? {}),
        'from sent to seen in the dead-letter topic, ms': found ? found.seenAfterMs : 'never',
      };
    },
  faultChecks: (facts) => {
    const headers = JSON.parse(String(facts['dead-letter headers'] ?? '{}')) as Record<string, string>;
    return [
      {
        name: `The poison message landed in ${deadLetterTopic} after ${triesBeforeDeadLetter} tries`,
        passed:
          facts[`found in ${deadLetterTopic}`] === 'yes' && Number(headers.tries) === triesBeforeDeadLetter,
        detail: `found: ${facts[`found in ${deadLetterTopic}`]}; headers ${JSON.stringify(headers)}.`,
      },
    ];
  },
});
