import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { readHeavy } from '@scaling/loadtests/scenarios/read-heavy';
import { progressBar, seed } from '@scaling/seed';
import { resolveStage, stackDown, stackUp } from '@scaling/stack';
import { prepareFixtures } from './fixtures.ts';
import { loadProgress } from './live-progress.ts';
import { collectMetadata } from './metadata.ts';
import { pinProcess } from './pin.ts';
import { freeCpu, stageCpus, stageDatabaseUrl } from './placement.ts';
import { writeReport } from './results.ts';
import { runScenario } from './run-scenario.ts';
import { renderRequestTable, renderResultsTable } from './table.ts';

const stage = 1;
const dataScale = 1;
const dataSeed = 1;
const resultsDir = join(dirname(resolveStage(stage).composeFile), 'results');

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '20' },
    connections: { type: 'string', default: String(readHeavy.connections) },
  },
});
const durationSeconds = Number(values.duration);
const connections = Number(values.connections);
if (!(durationSeconds > 0) || !(connections > 0)) {
  console.error('Usage: pnpm demo [--duration SECONDS] [--connections N], both positive numbers.');
  process.exit(2);
}

const step = (text: string) => console.log(`\n[demo] ${text}`);
const indented = (line: string) => console.log(`  ${line}`);
const interrupted = new AbortController();
process.on('SIGINT', () => {
  if (interrupted.signal.aborted) {
    console.error('\n[demo] Interrupted twice: exiting without stopping the stage. Run "pnpm stack down 1".');
    process.exit(130);
  }
  console.error(
    '\n[demo] Interrupted: finishing the current step, then stopping the stage (Ctrl-C again to force).',
  );
  interrupted.abort();
});
const checkInterrupted = () => {
  if (interrupted.signal.aborted) throw new Error('Interrupted.');
};

try {
  step(`Starting stage ${stage} natively (the same services as its docker-compose.yml)...`);
  const up = await stackUp(stage, { output: indented });
  if (!up.apiUrl) throw new Error(`Stage ${stage} publishes no API port, so there is nothing to load.`);
  const baseUrl = new URL(up.apiUrl).origin;
  checkInterrupted();

  step(
    `Seeding the data at scale ${dataScale} (about 2,000 users and 10,000 articles; existing data is replaced)...`,
  );
  await seed({
    databaseUrl: stageDatabaseUrl(stage),
    scale: dataScale,
    seed: dataSeed,
    reset: true,
    onProgress: progressBar(),
  });
  checkInterrupted();

  step('Logging in a few seeded users for the authenticated requests...');
  const fixtures = await prepareFixtures({ baseUrl, seed: dataSeed, scale: dataScale });
  indented(
    `${fixtures.tokens.length} users logged in; ${fixtures.slugs.length.toLocaleString('en-US')} articles to read.`,
  );
  checkInterrupted();

  const systemUnderTestCpus = stageCpus(stage);
  const loadCpu = freeCpu(systemUnderTestCpus);
  const pinned = loadCpu !== undefined && pinProcess(loadCpu);
  step(
    `Running "${readHeavy.name}" for ${durationSeconds} s with ${connections} connections against ${baseUrl}` +
      (pinned
        ? ` (load generator pinned to CPU ${loadCpu}, stage on CPU ${systemUnderTestCpus})...`
        : ' (load generator NOT pinned apart from the stage: it competes for the same CPUs)...'),
  );
  const metadata = collectMetadata({ baseUrl, scale: dataScale, seed: dataSeed, systemUnderTestCpus });
  const result = await runScenario({
    baseUrl,
    scenario: readHeavy,
    fixtures,
    durationSeconds,
    connections,
    onProgress: loadProgress(readHeavy.name),
    signal: interrupted.signal,
  });

  if (interrupted.signal.aborted) {
    step(`Interrupted: the results below cover only the first ${result.durationSeconds.toFixed(1)} s.`);
    process.exitCode = 130;
  }
  const label = `stage ${stage}, ${readHeavy.name}`;
  const tables = `${renderResultsTable([{ label, result }])}\n\n${renderRequestTable(result)}`;
  step('Results:');
  console.log(`\n${tables}`);
  const file = writeReport(resultsDir, 'demo', { metadata, runs: [{ label, result }] }, tables);
  step(`Raw results (with commit, machine, versions and CPU placement): ${file}`);
} catch (error) {
  console.error(`\n[demo] Failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  step(`Stopping stage ${stage}...`);
  await stackDown(stage, { output: indented }).catch((error: Error) => {
    console.error(`[demo] Stopping stage ${stage} failed: ${error.message}. Run "pnpm stack down ${stage}".`);
    process.exitCode = 1;
  });
}
