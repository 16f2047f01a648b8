import { type KeysMovedMeasurement, keysMovedTable, measureKeysMoved } from '@scaling/ring';
import { defineExperiment } from '../experiment.ts';
import { processCpu } from '../server-series.ts';
import { dataSeed } from '../stage-session.ts';
import { threeShards } from './sharding-columns.ts';

const percent = (fraction: number) => fraction * 100;

export const keysMoved = defineExperiment<KeysMovedMeasurement>({
  name: 'keys-moved',
  title: 'A fourth shard joins: the data that moves, consistent hashing against hash mod n',
  description:
    "Every author of the seed's data (the plan `pnpm seed` loads, same seed and scale as the bench), weighted by the " +
    'rows that live on their shard (their articles and the comments and favorites on them), placed on shard1..shard3 ' +
    'and again with shard4 added: by the ring stage 6 routes with (128 virtual nodes per shard) and by hash mod n. ' +
    "A moved author's rows all move. The ideal is the new shard's fair share, 1/4. Computed by " +
    '`measureKeysMoved` of @scaling/ring (also `pnpm --filter @scaling/ring keys-moved`); it needs no running ' +
    "server, so it runs in stage 6's boot without load.",
  scale: 1,
  seeded: false,
  serverSeries: [processCpu],
  columns: [threeShards],
  async run(context) {
    const measurement = measureKeysMoved({ scale: context.scale, seed: dataSeed });
    context.output(keysMovedTable(measurement).split('\n').join('\n  '));
    return measurement;
  },
  compare(results) {
    const rows = (pick: (measurement: KeysMovedMeasurement) => number, label: string) => ({
      label,
      values: results.map(pick),
    });
    return {
      rows: [
        rows((m) => percent(m.ring.rows.fraction), 'ring: rows moved, %'),
        rows((m) => percent(m.modulo.rows.fraction), 'modulo: rows moved, %'),
        rows((m) => percent(m.ring.authors.fraction), 'ring: authors moved, %'),
        rows((m) => percent(m.modulo.authors.fraction), 'modulo: authors moved, %'),
        rows((m) => percent(m.ideal), 'ideal (the new shard’s share), %'),
        { ...rows((m) => m.ring.rows.total, 'rows placed'), decimals: 0 },
        { ...rows((m) => m.ring.authors.total, 'authors placed'), decimals: 0 },
      ],
      panel: {
        title: 'Adding shard4 to three shards: share of the rows that move',
        unit: '%',
        series: ['ring (128 vnodes)', 'modulo'],
        groups: results.map((m) => ({
          label: `seed ${m.seed}, scale ${m.scale}`,
          values: [percent(m.ring.rows.fraction), percent(m.modulo.rows.fraction)],
        })),
      },
      details: ['```', ...results.map((m) => keysMovedTable(m)), '```'].join('\n'),
    };
  },
});
