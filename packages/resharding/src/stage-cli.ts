import { parseArgs } from 'node:util';
import { reshardStage } from './stage-reshard.ts';

// Run by `pnpm stack reshard <stage> --add <shard>` (packages/stack's CLI hands the command over, since resharding
// builds on the stack and not the other way round).
const usage = `Usage: pnpm stack reshard <stage> --add <shard>

Adds <shard> (a service of the stage's compose file, e.g. shard4 under profile "reshard") to a running stage: starts
it and its pooler pgbouncer-<shard>, migrates it, and moves the authors the ring gives it one at a time, each
pausing only that author's writes. Prints progress, the keys moved and the longest write pause.`;

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { add: { type: 'string' }, help: { type: 'boolean', short: 'h', default: false } },
});
const [stage] = positionals;
if (values.help || !stage || !values.add) {
  console.log(usage);
  process.exitCode = values.help ? 0 : 1;
} else {
  reshardStage(stage, { add: values.add }).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  });
}
