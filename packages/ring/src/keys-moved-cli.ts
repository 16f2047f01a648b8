import { parseArgs } from 'node:util';
import { defaultSeed } from '@scaling/seed';
import { keysMovedTable } from './keys-moved-table.ts';
import { measureKeysMoved } from './measure-keys-moved.ts';

const usage = 'Usage: pnpm --filter @scaling/ring keys-moved [--scale S] [--seed N] [--virtual-nodes V]';

const { values } = parseArgs({
  options: {
    scale: { type: 'string', default: '1' },
    seed: { type: 'string', default: String(defaultSeed) },
    'virtual-nodes': { type: 'string', default: '128' },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(usage);
  process.exit(0);
}
const scale = Number(values.scale);
const seed = Number(values.seed);
const virtualNodes = Number(values['virtual-nodes']);
// The plan is held in memory (about 1 KB per user): beyond scale 100 a measurement would need gigabytes.
if (!(scale > 0 && scale <= 100) || !Number.isInteger(seed) || !Number.isInteger(virtualNodes)) {
  console.error(
    `Give a --scale from 0 to 100 (1 is 2,000 users), an integer --seed and --virtual-nodes.\n${usage}`,
  );
  process.exit(2);
}
console.error(`Planning the seed's data in memory (scale ${scale}, seed ${seed})...`);
console.log(keysMovedTable(measureKeysMoved({ scale, seed, virtualNodes })));
