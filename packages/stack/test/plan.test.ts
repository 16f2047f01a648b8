import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import {
  composeEnvironment,
  loadCompose,
  loadPlan,
  parseCompose,
  parsePorts,
  planStack,
  repoRoot,
  resolveStage,
  rewriteAddresses,
  type StageRef,
} from '../src/index.ts';
import { saveSettings } from '../src/load.ts';

const stage1 = resolveStage(1);
const nodePath = '/opt/node24/bin/node';

describe('resolveStage', () => {
  it('When given a number or the folder name, then both resolve to the same stage folder', () => {
    expect(resolveStage('01-single-server')).toEqual(stage1);
    expect(stage1.name).toBe('01-single-server');
    expect(stage1.stateDir).toBe(join(repoRoot, '.stack', '01-single-server'));
  });

  it('When the stage does not exist, then the error lists the stages there are', () => {
    expect(() => resolveStage(99)).toThrow(/no stage "99".*01-single-server/);
  });
});

describe('the native plan of every stage', () => {
  const stages = readdirSync(join(repoRoot, 'stages'))
    .filter((folder) => existsSync(join(repoRoot, 'stages', folder, 'docker-compose.yml')))
    .map((folder) => resolveStage(folder));

  it.each(stages.map((stage) => [stage.name, stage]))(
    'When %s is planned, then it has the same services, replicas, cpusets and published ports as its compose file',
    (_name, stage) => {
      const compose = loadCompose(stage.composeFile);
      const plan = planStack(compose, stage, { nodePath });
      expect(plan.services.map((service) => service.name).sort()).toEqual(
        Object.keys(compose.services).sort(),
      );
      for (const service of plan.services) {
        const source = compose.services[service.name];
        expect(source).toBeDefined();
        if (!source) continue;
        const replicas = Number(source.deploy?.replicas ?? source.scale ?? 1);
        expect(service.instances).toHaveLength(replicas);
        expect(service.cpuset).toBe(source.cpuset ?? null);
        if (source.cpuset) expect(service.argv.slice(0, 3)).toEqual(['taskset', '-c', source.cpuset]);
        expect(service.ports).toEqual(parsePorts(service.name, source));
        for (const key of Object.keys(composeEnvironment(source))) {
          if (service.kind !== 'postgres') expect(service.env).toHaveProperty(key);
        }
      }
    },
  );

  it.each(stages.map((stage) => [stage.name, stage]))(
    'When %s is planned, then every service comes after the services it depends on',
    (_name, stage) => {
      const plan = planStack(loadCompose(stage.composeFile), stage, { nodePath });
      const order = plan.services.map((service) => service.name);
      for (const service of plan.services) {
        for (const dependency of service.dependsOn) {
          expect(order.indexOf(dependency.service)).toBeLessThan(order.indexOf(service.name));
        }
      }
    },
  );
});

describe('the stage-1 plan', () => {
  const plan = planStack(loadCompose(stage1.composeFile), stage1, { nodePath });
  const byName = Object.fromEntries(plan.services.map((service) => [service.name, service]));

  it('When planned, then Postgres, the migrations and the app start in that order, all on CPU 0', () => {
    expect(
      plan.services.map((service) => [service.name, service.kind, service.oneShot, service.cpuset]),
    ).toEqual([
      ['postgres', 'postgres', false, '0'],
      ['migrate', 'node', true, '0'],
      ['app', 'node', false, '0'],
    ]);
  });

  it('When planned, then the app reaches Postgres on its published port and listens on 127.0.0.1:8080', () => {
    expect(byName.app?.env).toEqual({
      HOST: '127.0.0.1',
      PORT: '8080',
      DATABASE_URL: 'postgres://conduit:conduit@127.0.0.1:15432/conduit',
      DATABASE_POOL_MAX: '20',
      LOG_LEVEL: 'info',
      JOBS_CONCURRENCY: '2',
    });
    expect(byName.migrate?.env.DATABASE_URL).toBe('postgres://conduit:conduit@127.0.0.1:15432/conduit');
    expect(byName.app?.argv).toEqual([
      'taskset',
      '-c',
      '0',
      nodePath,
      'stages/01-single-server/src/server.ts',
    ]);
    expect(byName.app?.probe).toEqual({ type: 'http', url: 'http://127.0.0.1:8080/api/health' });
    expect(byName.migrate?.probe).toEqual({ type: 'exit' });
  });

  it('When planned, then Postgres gets the image environment, the compose settings and a fast-shutdown signal', () => {
    const postgres = byName.postgres;
    expect(postgres?.postgres).toEqual({
      dataDir: join(stage1.stateDir, 'volumes', 'pgdata'),
      port: 15432,
      user: 'conduit',
      password: 'conduit',
      database: 'conduit',
    });
    expect(postgres?.argv.join(' ')).toContain('-c shared_buffers=256MB');
    expect(postgres?.argv.join(' ')).toContain('-p 15432');
    expect(postgres?.stopSignal).toBe('SIGINT');
  });

  it('When an HTTP port is chosen, then the app publishes, listens and is probed on it', () => {
    const moved = planStack(loadCompose(stage1.composeFile), stage1, { nodePath, httpPort: 18123 });
    const app = moved.services.find((service) => service.name === 'app');
    expect(app?.ports).toEqual([{ container: 8080, host: 18123 }]);
    expect(app?.env.PORT).toBe('18123');
    expect(app?.probe).toEqual({ type: 'http', url: 'http://127.0.0.1:18123/api/health' });
  });
});

describe('the stage-2 plan', () => {
  const stage2 = resolveStage(2);
  const plan = planStack(loadCompose(stage2.composeFile), stage2, { nodePath });
  const byName = Object.fromEntries(plan.services.map((service) => [service.name, service]));
  const serviceDir = join(stage2.stateDir, 'services', 'pgbouncer');

  it('When planned, then the database host (CPU 1) starts first, then the app host (CPU 0)', () => {
    expect(
      plan.services.map((service) => [service.name, service.kind, service.oneShot, service.cpuset]),
    ).toEqual([
      ['postgres', 'postgres', false, '1'],
      ['pgbouncer', 'pgbouncer', false, '1'],
      ['migrate', 'node', true, '0'],
      ['app', 'node', false, '0'],
      ['worker', 'node', false, '0'],
    ]);
  });

  it('When planned, then the app and the worker go through PgBouncer and the migrations straight to Postgres', () => {
    expect(byName.app?.env.DATABASE_URL).toBe('postgres://conduit:conduit@127.0.0.1:16432/conduit');
    expect(byName.worker?.env.DATABASE_URL).toBe('postgres://conduit:conduit@127.0.0.1:16432/conduit');
    expect(byName.migrate?.env.DATABASE_URL).toBe('postgres://conduit:conduit@127.0.0.1:15432/conduit');
    expect(byName.app?.env.JOBS_CONCURRENCY).toBe('0');
  });

  it('When planned, then PgBouncer runs unprivileged from a rewritten copy of the mounted pgbouncer.ini', () => {
    const pgbouncer = byName.pgbouncer;
    expect(pgbouncer?.argv.at(-2)).toBe('/usr/sbin/pgbouncer');
    expect(pgbouncer?.argv.at(-1)).toBe(join(serviceDir, 'pgbouncer.ini'));
    expect(pgbouncer?.argv).toContain('--reuid=postgres');
    expect(pgbouncer?.setup).toMatchObject({ directory: serviceDir, unprivileged: true });
    const ini = pgbouncer?.setup?.files['pgbouncer.ini'] ?? '';
    for (const line of [
      'conduit = host=127.0.0.1 port=15432 dbname=conduit',
      'listen_addr = 127.0.0.1',
      'listen_port = 16432',
      `unix_socket_dir = ${serviceDir}`,
      `auth_file = ${join(stage2.root, 'stages', '02-separate-database', 'config', 'userlist.txt')}`,
      'pool_mode = transaction',
      'max_client_conn = 1000',
      'default_pool_size = 20',
      'server_reset_query =',
    ]) {
      expect(ini.split('\n')).toContain(line);
    }
    expect(pgbouncer?.probe).toEqual({
      type: 'query',
      url: 'postgres://conduit:conduit@127.0.0.1:16432/conduit',
    });
    expect(pgbouncer?.stopSignal).toBe('SIGINT');
  });

  it('When planned, then the worker is a supervised process without ports that restarts unless stopped', () => {
    expect(byName.worker?.argv.slice(-1)).toEqual(['stages/02-separate-database/src/worker.ts']);
    expect(byName.worker?.ports).toEqual([]);
    expect(byName.worker?.probe).toEqual({ type: 'started' });
    expect(byName.worker?.restart).toEqual({ condition: 'unless-stopped', maxRetries: null });
    expect(byName.worker?.stopTimeoutMs).toBe(30_000);
  });
});

describe('the HTTP port of a running stack', () => {
  it('When a stack was started on another HTTP port, then later commands plan with that port', () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'stack-settings-'));
    // The variable, when set, takes precedence by design.
    vi.stubEnv('STACK_HTTP_PORT', '');
    try {
      saveSettings(stateDir, { httpPort: 18124 });
      const plan = loadPlan({ ...stage1, stateDir });
      expect(plan.httpPort).toBe(18124);
      expect(plan.services.find((service) => service.name === 'app')?.ports).toEqual([
        { container: 8080, host: 18124 },
      ]);
    } finally {
      vi.unstubAllEnvs();
      rmSync(stateDir, { recursive: true, force: true });
    }
  });
});

describe('planning rules', () => {
  const stage: StageRef = { name: 'rules', root: repoRoot, composeFile: 'unused', stateDir: '/tmp/rules' };

  it('When a service reaches a port its target does not publish, then planning says which port to publish', () => {
    const compose = parseCompose(`
services:
  db: { image: "postgres:15", ports: ["15433:5432"], environment: { POSTGRES_PASSWORD: x } }
  app: { build: ., command: ["node", "a.ts"], environment: { URL: "http://db:6543" } }
`);
    expect(() => planStack(compose, stage, { nodePath })).toThrow(/does not publish port 6543/);
  });

  it('When a password is made of digits, then it is not mistaken for a service address', () => {
    const published = new Map([['db', [{ container: 5432, host: 15433 }]]]);
    expect(rewriteAddresses('postgres://db:1234@db:5432/x', published, 'app')).toBe(
      'postgres://db:1234@127.0.0.1:15433/x',
    );
  });

  it('When services depend on each other in a cycle, then planning names the cycle', () => {
    const compose = parseCompose(`
services:
  a: { build: ., command: ["node", "a.ts"], depends_on: [b] }
  b: { build: ., command: ["node", "b.ts"], depends_on: [a] }
`);
    expect(() => planStack(compose, stage, { nodePath })).toThrow(/cycle: a -> b -> a/);
  });

  it('When a worker has replicas, then each replica is its own numbered process', () => {
    const compose = parseCompose(`
services:
  worker: { build: ., command: ["node", "w.ts"], deploy: { replicas: 3 } }
`);
    expect(planStack(compose, stage, { nodePath }).services[0]?.instances).toEqual([
      'worker.1',
      'worker.2',
      'worker.3',
    ]);
  });

  it('When PgBouncer has no mounted pgbouncer.ini, then planning says which mount to add', () => {
    const compose = parseCompose(
      'services:\n  pool: { image: "edoburu/pgbouncer:1.21.0", ports: ["16499:6432"] }\n',
    );
    expect(() => planStack(compose, stage, { nodePath })).toThrow(
      /volumes: \["\.\/config\/pgbouncer\.ini:\/etc\/pgbouncer\/pgbouncer\.ini:ro"\]/,
    );
  });

  it('When PgBouncer does not publish its listen_port, then planning says which port to publish', () => {
    const compose = parseCompose(`
services:
  pool:
    image: edoburu/pgbouncer:1.21.0
    volumes: ["${join(import.meta.dirname, 'fixtures', 'pgbouncer', 'pgbouncer.ini')}:/etc/pgbouncer/pgbouncer.ini"]
    ports: ["16499:5432"]
`);
    expect(() => planStack(compose, stage, { nodePath })).toThrow(
      /listens on 6432.*ports: \["<host>:6432"\]/,
    );
  });

  it('When an image has no native launcher, then planning says where to add one', () => {
    const compose = parseCompose('services:\n  cache: { image: "memcached:1" }\n');
    expect(() => planStack(compose, stage, { nodePath })).toThrow(/no native launcher/);
  });
});
