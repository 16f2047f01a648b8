import { spawn } from 'node:child_process';
import {
  type LoadedPlan,
  loadPlan,
  type PlannedService,
  type StageInput,
  stackStartService,
  superuserUrl,
} from '@scaling/stack';
import pg from 'pg';
import { type AddShardReport, addShard } from './add-shard.ts';
import { ReshardingError } from './errors.ts';

export interface ReshardStageOptions {
  /** The shard to add, a service of the stage's compose file with its pooler `pgbouncer-<shard>` beside it. */
  add: string;
  output?: (line: string) => void;
  /** How long the stage's migrate command may take on the new shard (default 120 s). */
  migrateTimeoutMs?: number;
}

/**
 * `pnpm stack reshard <stage> --add <shard>` on a running native stage: starts the new shard's server, migrates it with
 * the stage's own migrate command (its schema, id range and the app's role), starts its pooler, then moves the
 * authors the bigger ring gives it (addShard) over direct connections as the schema's owner.
 */
export async function reshardStage(stage: StageInput, options: ReshardStageOptions): Promise<AddShardReport> {
  const { add, output = console.log } = options;
  const plan = loadPlan(stage);
  const serviceOf = (name: string): PlannedService => {
    const service = plan.services.find((candidate) => candidate.name === name);
    if (!service) {
      throw new ReshardingError(
        'RESHARD_SHARD_UNKNOWN',
        `Stage ${plan.stage.name} has no service "${name}": resharding needs ${add}, pgbouncer-${add}, migrate and app in its compose file.`,
      );
    }
    return service;
  };
  const migrate = serviceOf('migrate');
  const app = serviceOf('app');
  serviceOf(`pgbouncer-${add}`);
  const databases = stageDatabases(plan);
  const addUrl = databases.shards[add];
  if (!addUrl) {
    throw new ReshardingError(
      'RESHARD_SHARD_UNKNOWN',
      `Stage ${plan.stage.name} has no Postgres service "${add}": name a shard of its compose file, e.g. shard4.`,
    );
  }

  await assertReady(databases.global, add, plan.stage.name);
  output(`${add}: starting its server...`);
  await stackStartService(plan.stage, add, { output });
  output(`${add}: migrating (the stage's migrate command, for ${add} only)...`);
  await runToCompletion(
    migrate,
    { SHARD_MIGRATION_URLS: `${add}=${addUrl}` },
    options.migrateTimeoutMs ?? 120_000,
  );
  await stackStartService(plan.stage, `pgbouncer-${add}`, { output });

  const global = new pg.Pool({ connectionString: databases.global, max: 2 });
  const shards = Object.fromEntries(
    Object.entries(databases.shards).map(([name, url]) => [
      name,
      new pg.Pool({ connectionString: url, max: 2 }),
    ]),
  );
  try {
    const report = await addShard({
      global,
      shards,
      add,
      virtualNodes: Number(app.env.SHARD_VIRTUAL_NODES ?? 128),
      routingRefreshMs: Number(app.env.SHARD_ROUTING_REFRESH_MS ?? 1000),
      progress: output,
    });
    const profiles = serviceOf(add).profiles;
    if (profiles.length > 0) {
      // `up` leaves a profile's services stopped, but the ring now places authors on this shard.
      output(
        `${add} now holds authors: start this stage with COMPOSE_PROFILES=${profiles[0]} pnpm stack up ${plan.stage.name} ` +
          `from now on, or "pnpm stack down ${plan.stage.name} --volumes" to start over with ${report.before.length} shards.`,
      );
    }
    return report;
  } finally {
    await Promise.all([global.end(), ...Object.values(shards).map((pool) => pool.end())]);
  }
}

/** Before anything starts: the stage runs (its global database answers) and the shard is not in the ring yet. */
async function assertReady(globalUrl: string, add: string, stageName: string): Promise<void> {
  const client = new pg.Client({ connectionString: globalUrl, connectionTimeoutMillis: 5_000 });
  let state: string | undefined;
  try {
    await client.connect();
    const { rows } = await client.query<{ state: string }>('SELECT state FROM shard_ring WHERE name = $1', [
      add,
    ]);
    state = rows[0]?.state;
  } catch (error) {
    throw new ReshardingError(
      'RESHARD_STAGE_DOWN',
      `The global database of stage ${stageName} does not answer or has no ring (${(error as Error).message}): start the stage with "pnpm stack up ${stageName}" and run the resharding again.`,
    );
  } finally {
    await client.end().catch(() => {});
  }
  if (state === 'active') {
    throw new ReshardingError(
      'RESHARD_SHARD_ACTIVE',
      `${add} is already an active shard of stage ${stageName}: nothing to add ("pnpm stack down ${stageName} --volumes" starts over with the initial shards).`,
    );
  }
}

/**
 * The stage's global database and each shard server (services named shard<N>), natively on 127.0.0.1, as the
 * schema's owner: what resharding and its drill connect to directly, past the poolers.
 */
export function stageDatabases(stage: StageInput | LoadedPlan): {
  global: string;
  shards: Record<string, string>;
} {
  const plan = typeof stage === 'object' && 'services' in stage ? stage : loadPlan(stage);
  const shards: Record<string, string> = {};
  let global: string | undefined;
  for (const { name, postgres } of plan.services) {
    if (!postgres) continue;
    const url = superuserUrl(postgres, postgres.database);
    if (/^shard\d+$/.test(name)) shards[name] = url;
    if (name === 'postgres') global = url;
  }
  if (!global) {
    throw new ReshardingError(
      'RESHARD_SHARD_UNKNOWN',
      `Stage ${plan.stage.name} has no global Postgres service "postgres": resharding runs on stage 6 and later.`,
    );
  }
  return { global, shards };
}

/** Runs a one-shot service's command (natively planned) with `env` over its own, its output passed through. */
function runToCompletion(
  service: PlannedService,
  env: Record<string, string>,
  timeoutMs: number,
): Promise<void> {
  const [command, ...args] = service.argv;
  if (!command)
    throw new ReshardingError('RESHARD_MIGRATE_FAILED', `Service "${service.name}" has no command to run.`);
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: service.cwd,
      env: { ...process.env, ...service.env, ...env },
      stdio: ['ignore', 'inherit', 'inherit'],
      signal: AbortSignal.timeout(timeoutMs),
    });
    child.once('error', (error) =>
      reject(
        new ReshardingError(
          'RESHARD_MIGRATE_FAILED',
          `"${service.name}" did not finish within ${timeoutMs} ms or could not start (${error.message}): read its output above.`,
        ),
      ),
    );
    child.once('exit', (code) => {
      if (code === 0) resolve();
      else {
        reject(
          new ReshardingError(
            'RESHARD_MIGRATE_FAILED',
            `"${service.name}" exited with ${code}: read its output above, fix the cause, then run the resharding again.`,
          ),
        );
      }
    });
  });
}
