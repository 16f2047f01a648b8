import { parseArgs } from 'node:util';
import { loadPlan, ownerDatabaseUrl } from '@scaling/stack';
import { progressBar } from './progress.ts';
import { defaultSeed, SeedDataPresentError, seed } from './seed.ts';

const usage =
  'Usage: pnpm seed --scale S [--stage N | --database-url URL] [--seed N] [--reset]\n' +
  'Without a URL (or DATABASE_URL), it seeds the Postgres of stage N (default 1) as its plan publishes it natively.';

const { values } = parseArgs({
  options: {
    scale: { type: 'string' },
    'database-url': { type: 'string' },
    stage: { type: 'string', default: '1' },
    seed: { type: 'string' },
    reset: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});

if (values.help) {
  console.log(usage);
  process.exit(0);
}
const scale = Number(values.scale);
const seedNumber = values.seed === undefined ? defaultSeed : Number(values.seed);
if (!(scale > 0) || !Number.isInteger(seedNumber)) {
  console.error(
    `Give a positive --scale (1 is about 2,000 users and 10,000 articles) and an integer --seed.\n${usage}`,
  );
  process.exit(2);
}
// The schema's owner, straight to Postgres: COPY and TRUNCATE are no business of the application's role.
const databaseUrl =
  values['database-url'] ?? process.env.DATABASE_URL ?? ownerDatabaseUrl(loadPlan(values.stage));

console.error(`Seeding scale ${scale} (seed ${seedNumber}) into ${redact(databaseUrl)}`);
try {
  const summary = await seed({
    databaseUrl,
    scale,
    seed: seedNumber,
    reset: values.reset,
    onProgress: progressBar(),
  });
  console.error(`Seeded in ${(summary.durationMs / 1000).toFixed(1)} s.`);
} catch (error) {
  if (error instanceof SeedDataPresentError) {
    console.error(error.message);
    process.exit(1);
  }
  if ((error as NodeJS.ErrnoException).code === 'ECONNREFUSED') {
    console.error(
      `Nothing accepts connections at ${redact(databaseUrl)}. Start the stage first ('pnpm stack up ${values.stage}') or pass --database-url.`,
    );
    process.exit(1);
  }
  throw error;
}

function redact(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}
