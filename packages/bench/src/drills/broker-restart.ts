import { stackRestart, stackServiceStatus } from '@scaling/stack';
import type { Drill } from '../experiment.ts';
import { eventDrill } from './event-delivery.ts';

const events: [number, number] = [4_000, 1_500];
const writesPerSecond = 80;
const restartAt = 0.3;

const title = 'Kafka is restarted under writes';
const description =
  `Stage 6 (load-test variant). ${events[0].toLocaleString('en-US')} events from writes through the API (writers ` +
  `registered first, then the write-heavy mix at ${writesPerSecond}/s, open model); at ${restartAt * 100}% of the ` +
  'writes the broker is restarted (SIGTERM, start, ready). A write only touches its shard and its outbox, so none ' +
  'may fail while the broker is away; the relay keeps the rows until the broker is back. Then every outbox row must ' +
  'be published and the notifications consumer caught up: the events the outboxes hold must equal the events the ' +
  'consumer recorded, and the notifications owed those found, none twice.';

export const brokerRestart: Drill = eventDrill('broker-restart', {
  title,
  description,
  events,
  writesPerSecond,
  inject: (stage) =>
    async function inject({ mark, at, output }) {
      const before = (await stackServiceStatus(stage, 'kafka')).pid;
      await at(restartAt);
      mark('Kafka restart');
      await stackRestart(stage, 'kafka', { output, readyTimeoutMs: 120_000 });
      mark('Kafka ready again');
      return {
        'kafka pid before → after': `${before} → ${(await stackServiceStatus(stage, 'kafka')).pid}`,
      };
    },
  faultChecks: (facts) => {
    const [before, after] = String(facts['kafka pid before → after'] ?? '').split(' → ');
    return [
      {
        name: 'Kafka was restarted (a new process)',
        passed: before !== undefined && after !== undefined && before !== after && after !== 'null',
        detail: `pid ${before} → ${after}.`,
      },
    ];
  },
});
