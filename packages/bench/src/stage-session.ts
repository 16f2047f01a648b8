import { cpus } from 'node:os';
import { progressBar, seed } from '@scaling/seed';
import { loadPlan, resolveStage, stackDown, stackUp } from '@scaling/stack';
import type { BootSettings } from './experiment.ts';
import { prepareFixtures } from './fixtures.ts';
import { collectMetadata, type RunMetadata } from './metadata.ts';
import type { Fixtures } from './mix.ts';
import { pinProcess } from './pin.ts';
import { freeCpu, stageCpus, stageDatabaseUrl } from './placement.ts';
import { waitForReplicas } from './replication.ts';
import { databaseServers } from './stage-services.ts';

export const dataSeed = 1;

/** A running stage as the bench sees it: where its API and databases are, and where the load generator runs. */
export interface StageSession {
  stage: number;
  /** e.g. "stage 2", or the column's label ("Redis sessions"). */
  label: string;
  /** How the stage was booted (replicas, CPUs, variant); empty for its compose file as it is. */
  boot: BootSettings;
  /** The stage's folder name, e.g. 02-separate-database. */
  name: string;
  baseUrl: string;
  /** Postgres itself, as published on the host: for seeding and for inspecting the jobs table. */
  databaseUrl: string;
  /** What the API connects to (Postgres itself in stage 1, PgBouncer from stage 2 on). */
  appDatabaseUrl: string;
  /** The service whose process runs the background jobs: `app` in stage 1, `worker` from stage 2 on. */
  jobRunner: string;
  /** The service that serves the API. */
  apiService: string;
  metadata: (scale: number) => RunMetadata;
}

/**
 * Boots a stage natively (with the column's replicas, CPU sets or variant, if any), then moves the load generator
 * off the stage's CPUs when the stage leaves one free.
 */
export async function openStage(
  stage: number,
  output: (line: string) => void,
  column: { label?: string; boot?: BootSettings } = {},
): Promise<StageSession> {
  const boot = column.boot ?? {};
  output(`Starting stage ${stage} natively (the services of its docker-compose.yml${describeBoot(boot)})...`);
  const up = await stackUp(stage, { ...boot, output: (line) => output(`  ${line}`) }).catch(
    async (error: Error) => {
      // Whatever did start would otherwise keep running, holding the ports.
      await closeStage(stage, output);
      throw error;
    },
  );
  if (!up.apiUrl) throw new Error(`Stage ${stage} publishes no API port, so there is nothing to load.`);
  const baseUrl = new URL(up.apiUrl).origin;
  const systemUnderTestCpus = stageCpus(stage);
  const loadCpu = freeCpu(systemUnderTestCpus);
  // With no free CPU, undo an earlier stage's pinning: the generator then shares every CPU, and says so.
  const pinned = pinProcess(loadCpu ?? `0-${cpus().length - 1}`);
  const plan = loadPlan(stage);
  const placement = plan.services
    .filter((service) => !service.oneShot)
    .flatMap((service) =>
      service.instances.map((instance) => ({ instance: instance.name, cpuset: instance.cpuset })),
    );
  const metadata = (scale: number) =>
    collectMetadata({ baseUrl, scale, seed: dataSeed, systemUnderTestCpus, boot, placement });
  output(`  ${metadata(1).loadGenerator.note}${pinned ? '' : ' (pinning with taskset failed)'}`);
  const apiService =
    plan.services.find((service) => service.ports.some((port) => port.host === plan.httpPort))?.name ?? 'app';
  const appDatabaseUrl = plan.services.find((service) => service.name === apiService)?.env.DATABASE_URL;
  return {
    stage,
    label: column.label ?? `stage ${stage}`,
    boot,
    name: resolveStage(stage).name,
    baseUrl,
    databaseUrl: stageDatabaseUrl(stage),
    appDatabaseUrl: appDatabaseUrl ?? stageDatabaseUrl(stage),
    jobRunner: plan.services.some((service) => service.name === 'worker') ? 'worker' : apiService,
    apiService,
    metadata,
  };
}

function describeBoot(boot: BootSettings): string {
  const parts = [
    ...Object.entries(boot.scale ?? {}).map(([service, count]) => `${service}=${count} replicas`),
    ...Object.entries(boot.cpusets ?? {}).map(([service, sets]) => `${service} on CPUs ${sets.join(', ')}`),
    ...(boot.variant ? [`variant ${boot.variant}`] : []),
  ];
  return parts.length > 0 ? `; ${parts.join('; ')}` : '';
}

/**
 * Stops the stage (with `volumes`, deleting its data too). Runs in `finally` blocks, so a failure here is reported
 * (and fails the command) without hiding the error that brought us here.
 */
export async function closeStage(
  stage: number,
  output: (line: string) => void,
  { volumes = false }: { volumes?: boolean } = {},
): Promise<void> {
  output(`Stopping stage ${stage}${volumes ? ' and deleting its data' : ''}...`);
  try {
    await stackDown(stage, { output: (line) => output(`  ${line}`), volumes });
  } catch (error) {
    const command = `pnpm stack down ${stage}${volumes ? ' --volumes' : ''}`;
    output(`Stopping stage ${stage} failed: ${(error as Error).message} Run "${command}".`);
    process.exitCode = 1;
  }
}

/**
 * Replaces the stage's data with the seed at `scale`, waits until its read replicas (stage 4 on) have replayed it,
 * then logs in seeded users for the authenticated requests.
 */
export async function loadData(
  session: Pick<StageSession, 'stage' | 'databaseUrl' | 'baseUrl' | 'label'>,
  scale: number,
  output: (line: string) => void,
): Promise<Fixtures> {
  output(`Seeding ${session.label} at scale ${scale} (existing data is replaced)...`);
  await seed({
    databaseUrl: session.databaseUrl,
    scale,
    seed: dataSeed,
    reset: true,
    onProgress: progressBar(),
  });
  const replayMs = await waitForReplicas(databaseServers(session.stage));
  if (replayMs > 0) output(`The read replicas replayed the seed in ${replayMs} ms.`);
  return logIn(session, scale);
}

/** What an experiment that makes its own data through the API gets as fixtures: nothing seeded to aim at. */
export const noFixtures: Fixtures = {
  tokens: [],
  slugs: [],
  usernames: [],
  tags: [],
  emails: [],
  password: '',
};

/** The seed and its logged-in users, or nothing for a run that makes its own data (`seeded: false`). */
export function prepareData(
  session: Pick<StageSession, 'stage' | 'databaseUrl' | 'baseUrl' | 'label'>,
  run: { seeded?: boolean },
  scale: number,
  output: (line: string) => void,
): Promise<Fixtures> {
  if (run.seeded === false) {
    output(`${session.label}: no seed (the run makes its own data through the API).`);
    return Promise.resolve(noFixtures);
  }
  return loadData(session, scale, output);
}

/** Fresh sessions for a few seeded users (a crash can wipe the sessions a stage keeps in memory). */
export function logIn(session: Pick<StageSession, 'baseUrl'>, scale: number): Promise<Fixtures> {
  return prepareFixtures({ baseUrl: session.baseUrl, seed: dataSeed, scale });
}
