import { Counter, metricOnce, type Registry } from '@scaling/metrics';

/** What the shards count: writes per shard (is the load split?), and writes retried after their author moved. */
export interface ShardMeasures {
  wrote(shard: string): void;
  retriedAfterMove(from: string, to: string): void;
}

export const unmeasured: ShardMeasures = { wrote() {}, retriedAfterMove() {} };

export function measureShards(registry: Registry): ShardMeasures {
  const writes = metricOnce(
    registry,
    'shard_write_transactions_total',
    () =>
      new Counter({
        name: 'shard_write_transactions_total',
        help: 'Write transactions committed on each shard (articles, comments, favorites and their events).',
        labelNames: ['shard'],
        registers: [registry],
      }),
  );
  const retries = metricOnce(
    registry,
    'shard_author_moved_retries_total',
    () =>
      new Counter({
        name: 'shard_author_moved_retries_total',
        help: 'Writes that found their author departed (resharding moved them) and ran again on the new shard.',
        labelNames: ['from', 'to'],
        registers: [registry],
      }),
  );
  return {
    wrote: (shard) => writes.inc({ shard }),
    retriedAfterMove: (from, to) => retries.inc({ from, to }),
  };
}
