import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import {
  composeEnvironment,
  loadCompose,
  loadPlan,
  loadStageCompose,
  type PlanOptions,
  parseBytes,
  parseCompose,
  parsePorts,
  planStack,
  repoRoot,
  resolveStage,
  rewriteAddresses,
  type StackPlan,
  type StageRef,
  stageStateDir,
} from '../src/index.ts';
import { saveSettings } from '../src/load.ts';

const stage1 = resolveStage(1);
const nodePath = '/opt/node24/bin/node';

describe('resolveStage', () => {
  it('When given a number or the folder name, then both resolve to the same stage folder', () => {
    expect(resolveStage('01-single-server')).toEqual(stage1);
    expect(stage1.name).toBe('01-single-server');
    // In the checkout's .stack/, or outside a checkout the servers' account cannot reach (see state-dir.ts).
    expect(stage1.stateDir).toBe(stageStateDir(repoRoot, '01-single-server').stateDir);
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
        expect(service.ports).toEqual(parsePorts(service.name, source));
        for (const [index, instance] of service.instances.entries()) {
          const perReplica = source['x-native-cpusets'];
          const cpuset = perReplica ? perReplica[index % perReplica.length] : source.cpuset;
          expect(instance.cpuset).toBe(cpuset ?? null);
          if (cpuset) expect(instance.argv.slice(0, 3)).toEqual(['taskset', '-c', cpuset]);
          if (service.ports.length > 0) {
            expect(instance.ports.slice(0, service.ports.length)).toEqual(service.ports);
          }
        }
        // Servers take their environment as settings (POSTGRES_*, DB_USER, REDISCLI_AUTH); our services get it all,
        // with x-native-environment over it.
        for (const key of Object.keys(composeEnvironment(source))) {
          if (service.kind === 'node') expect(service.env).toHaveProperty(key);
        }
        for (const [key, value] of Object.entries(source['x-native-environment'] ?? {})) {
          expect(service.env[key]).toBe(String(value));
        }
        // cpus and mem_limit (or deploy.resources.limits) become each instance's cgroup limits.
        const limits = source.deploy?.resources?.limits;
        const cpus = source.cpus ?? limits?.cpus;
        const memory = source.mem_limit ?? limits?.memory;
        expect(service.limits?.cpus).toBe(cpus === undefined ? undefined : Number(cpus));
        expect(service.limits?.memoryBytes).toBe(
          memory === undefined ? undefined : parseBytes(service.name, 'mem_limit', memory),
        );
        // A data service only `expose`s its port: natively it listens on 127.0.0.1 and its x-native-port.
        // nginx also publishes its entry point; its internal listener (stub_status) takes the x-native-port too.
        const nativePort = source['x-native-port'];
        if (nativePort !== undefined) {
          const exposed = Number(source.expose?.[0]);
          expect(
            service.instances.map((instance) => instance.ports.filter((port) => port.container === exposed)),
          ).toEqual([[{ container: exposed, host: nativePort }]]);
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
  // As `docker compose up` plans it with nothing set: every default of the file (vitest itself sets NODE_ENV).
  const plan = planStack(loadCompose(stage1.composeFile, {}), stage1, { nodePath });
  const byName = Object.fromEntries(plan.services.map((service) => [service.name, service]));

  it('When planned, then Postgres, the migrations and the app start in that order, all on CPU 0', () => {
    expect(
      plan.services.map((service) => [service.name, service.kind, service.oneShot, service.cpuset]),
    ).toEqual([
      ['postgres', 'postgres', false, '0'],
      ['migrate', 'node', true, '0'],
      ['app', 'node', false, '0'],
      ['postgres-exporter', 'postgres-exporter', false, '0'],
      ['prometheus', 'prometheus', false, '0'],
      ['zipkin', 'zipkin', false, '0'],
    ]);
  });

  it('When planned, then the app reaches Postgres on its published port and listens on 127.0.0.1:8080', () => {
    expect(byName.app?.env).toEqual({
      OTEL_TRACES_EXPORTER: 'zipkin',
      OTEL_EXPORTER_ZIPKIN_ENDPOINT: 'http://127.0.0.1:9411/api/v2/spans',
      OTEL_TRACES_SAMPLER_ARG: '0.01',
      OTEL_SERVICE_NAME: 'conduit-app',
      NODE_ENV: 'development',
      HOST: '127.0.0.1',
      PORT: '8080',
      METRICS_PORT: '19464',
      DATABASE_URL: 'postgres://conduit_app:local-demo-only-app-database@127.0.0.1:15432/conduit',
      DATABASE_POOL_MAX: '20',
      LOG_LEVEL: 'info',
      JOBS_CONCURRENCY: '2',
      INSTANCE_NAME: 'app',
    });
    expect(byName.migrate?.env).toMatchObject({
      DATABASE_URL: 'postgres://conduit:local-demo-only-postgres@127.0.0.1:15432/conduit',
      APP_DATABASE_USER: 'conduit_app',
      APP_DATABASE_PASSWORD: 'local-demo-only-app-database',
    });
    expect(byName.app?.argv).toEqual([
      'taskset',
      '-c',
      '0',
      nodePath,
      '--import',
      './packages/tracing/src/register.ts',
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
      password: 'local-demo-only-postgres',
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

  it('When planned, then Postgres starts first, the migrations make the app role PgBouncer logs in as, then the app host', () => {
    expect(
      plan.services.map((service) => [service.name, service.kind, service.oneShot, service.cpuset]),
    ).toEqual([
      ['postgres', 'postgres', false, '1'],
      ['migrate', 'node', true, '0'],
      ['pgbouncer', 'pgbouncer', false, '1'],
      ['app', 'node', false, '0'],
      ['worker', 'node', false, '0'],
      ['postgres-exporter', 'postgres-exporter', false, '1'],
      ['pgbouncer-exporter', 'pgbouncer-exporter', false, '1'],
      ['prometheus', 'prometheus', false, '1'],
      ['zipkin', 'zipkin', false, '1'],
    ]);
  });

  it('When planned, then the app and the worker go through PgBouncer and the migrations straight to Postgres', () => {
    const pooled = 'postgres://conduit_app:local-demo-only-app-database@127.0.0.1:16432/conduit';
    expect(byName.app?.env.DATABASE_URL).toBe(pooled);
    expect(byName.worker?.env.DATABASE_URL).toBe(pooled);
    expect(byName.migrate?.env.DATABASE_URL).toBe(
      'postgres://conduit:local-demo-only-postgres@127.0.0.1:15432/conduit',
    );
    expect(byName.worker?.env.JOBS_CONCURRENCY).toBe('2');
  });

  it('When planned, then PgBouncer runs unprivileged from a rewritten copy of the mounted pgbouncer.ini and a userlist made from its environment', () => {
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
      `auth_file = ${join(serviceDir, 'mounts', 'etc', 'pgbouncer', 'userlist.txt')}`,
      'pool_mode = transaction',
      'max_client_conn = 1000',
      'default_pool_size = 20',
      'server_reset_query =',
    ]) {
      expect(ini.split('\n')).toContain(line);
    }
    // One line per URL of DATABASE_URLS, in clear (AUTH_TYPE scram-sha-256), as the image's entrypoint writes them.
    expect(pgbouncer?.setup?.files['mounts/etc/pgbouncer/userlist.txt']).toBe(
      '"conduit_app" "local-demo-only-app-database"\n"pgbouncer_stats" "local-demo-only-pgbouncer-stats"\n',
    );
    expect(ini.split('\n')).toContain(
      `auth_hba_file = ${join(serviceDir, 'mounts', 'etc', 'pgbouncer', 'pgbouncer_hba.conf')}`,
    );
    expect(pgbouncer?.cwd).toBe(serviceDir);
    expect(pgbouncer?.probe).toEqual({
      type: 'query',
      url: 'postgres://conduit_app:local-demo-only-app-database@127.0.0.1:16432/conduit',
    });
    expect(pgbouncer?.stopSignal).toBe('SIGINT');
  });

  it('When planned, then the worker is a supervised process without published ports that restarts unless stopped', () => {
    expect(byName.worker?.argv.slice(-1)).toEqual(['stages/02-separate-database/src/worker.ts']);
    expect(byName.worker?.ports).toEqual([]);
    expect(byName.worker?.probe).toEqual({ type: 'started' });
    expect(byName.worker?.restart).toEqual({ condition: 'unless-stopped', maxRetries: null });
    expect(byName.worker?.stopTimeoutMs).toBe(30_000);
  });
});

describe('the stage-3 plan', () => {
  const stage3 = resolveStage(3);
  const planWith = ({ variant, ...options }: PlanOptions & { variant?: string } = {}) =>
    planStack(loadStageCompose(stage3, variant), stage3, { nodePath, ...options });
  const byName = (plan: StackPlan) =>
    Object.fromEntries(plan.services.map((service) => [service.name, service]));
  const upstreamServers = (plan: StackPlan) =>
    (byName(plan).nginx?.setup?.files['nginx.conf'] ?? '')
      .split('\n')
      .filter((line) => /^\s*server 127/.test(line))
      .map((line) => line.trim());
  const plan = planWith();
  const services = byName(plan);

  it('When planned, then three app replicas run on CPU 0 and everything else on CPU 1', () => {
    expect(
      plan.services.map((service) => [
        service.name,
        service.kind,
        service.instances.map((instance) => `${instance.name}@${instance.cpuset}`).join(' '),
      ]),
    ).toEqual([
      ['postgres', 'postgres', 'postgres@1'],
      ['migrate', 'node', 'migrate@0'],
      ['pgbouncer', 'pgbouncer', 'pgbouncer@1'],
      ['redis', 'redis', 'redis@1'],
      ['app', 'node', 'app.1@0 app.2@0 app.3@0'],
      ['worker', 'node', 'worker@1'],
      ['nginx', 'nginx', 'nginx@1'],
      ['postgres-exporter', 'postgres-exporter', 'postgres-exporter@1'],
      ['pgbouncer-exporter', 'pgbouncer-exporter', 'pgbouncer-exporter@1'],
      ['redis-exporter', 'redis-exporter', 'redis-exporter@1'],
      ['nginx-exporter', 'nginx-exporter', 'nginx-exporter@1'],
      ['prometheus', 'prometheus', 'prometheus@1'],
      ['zipkin', 'zipkin', 'zipkin@1'],
    ]);
  });

  it('When planned, then each replica listens on a port of its own, named, and reaches Redis and PgBouncer', () => {
    expect(services.app?.ports).toEqual([]);
    expect(
      services.app?.instances.map((instance) => [
        instance.env.PORT,
        instance.env.INSTANCE_NAME,
        instance.probe,
      ]),
    ).toEqual([
      ['8081', 'app.1', { type: 'http', url: 'http://127.0.0.1:8081/api/ready' }],
      ['8082', 'app.2', { type: 'http', url: 'http://127.0.0.1:8082/api/ready' }],
      ['8083', 'app.3', { type: 'http', url: 'http://127.0.0.1:8083/api/ready' }],
    ]);
    expect(services.app?.env.REDIS_URL).toBe('redis://:local-demo-only-redis@127.0.0.1:16379');
    expect(services.app?.env.DATABASE_URL).toBe(
      'postgres://conduit_app:local-demo-only-app-database@127.0.0.1:16432/conduit',
    );
  });

  it('When planned, then nginx publishes 8080 and balances over one server line per replica', () => {
    expect(services.nginx?.ports).toEqual([{ container: 8080, host: 8080 }]);
    expect(upstreamServers(plan)).toEqual([
      'server 127.0.0.1:8081 max_fails=2 fail_timeout=5s;',
      'server 127.0.0.1:8082 max_fails=2 fail_timeout=5s;',
      'server 127.0.0.1:8083 max_fails=2 fail_timeout=5s;',
    ]);
    const conf = services.nginx?.setup?.files['nginx.conf'] ?? '';
    expect(conf).toContain('listen 127.0.0.1:8080;');
    const copies = join(stage3.stateDir, 'services', 'nginx', 'mounts', 'etc', 'nginx', 'conduit');
    expect(conf).toContain(`include ${join(copies, 'proxy.conf')};`);
    expect(conf).toContain(`include ${join(copies, 'balancing.conf')};`);
    expect(services.nginx?.setup?.files['mounts/etc/nginx/conduit/balancing.conf']).toBe(
      readFileSync(
        join(stage3.root, 'stages', '03-load-balancer', 'config', 'balancing', 'round-robin.conf'),
        'utf8',
      ),
    );
    expect(services.nginx?.probe).toEqual({ type: 'http', url: 'http://127.0.0.1:8080/nginx-health' });
    expect(services.nginx?.stopSignal).toBe('SIGQUIT');
  });

  it('When planned, then Redis keeps the compose arguments and listens on its native port with its volume', () => {
    const argv = services.redis?.argv.join(' ') ?? '';
    expect(argv).toContain(
      '--requirepass local-demo-only-redis --maxmemory 192mb --maxmemory-policy noeviction --appendonly yes --appendfsync everysec',
    );
    expect(argv).toContain(
      `--port 16379 --bind 127.0.0.1 --dir ${join(stage3.stateDir, 'volumes', 'redisdata')}`,
    );
    expect(services.redis?.probe).toEqual({ type: 'redis', port: 16379, password: 'local-demo-only-redis' });
  });

  it('When scaled to two replicas on CPUs 0 and 1, then each replica is pinned to its own CPU', () => {
    const scaled = planWith({ scale: { app: 2 }, cpusets: { app: ['0', '1'] } });
    expect(byName(scaled).app?.instances.map((instance) => instance.argv.slice(0, 3))).toEqual([
      ['taskset', '-c', '0'],
      ['taskset', '-c', '1'],
    ]);
    expect(upstreamServers(scaled)).toHaveLength(2);
  });

  it.each([
    ['sticky', 'token-hash.conf'],
    ['sticky-ip', 'client-address-hash.conf'],
  ])(
    'When the %s variant is chosen, then nginx includes %s and the replicas keep sessions in memory',
    (variant, file) => {
      const sticky = planWith({ variant });
      expect(byName(sticky).nginx?.setup?.files['mounts/etc/nginx/conduit/balancing.conf']).toBe(
        readFileSync(join(stage3.root, 'stages', '03-load-balancer', 'config', 'balancing', file), 'utf8'),
      );
      expect(byName(sticky).app?.env.SESSION_STORE).toBe('memory');
      expect(upstreamServers(sticky)).toHaveLength(3);
    },
  );

  const signInLimit = (planned: StackPlan) =>
    byName(planned).nginx?.setup?.files['mounts/etc/nginx/conduit/sign-in-limit.conf'];
  const attemptLimits = (planned: StackPlan) =>
    Object.fromEntries(
      Object.entries(byName(planned).app?.env ?? {}).filter(([key]) => key.startsWith('AUTH_ATTEMPTS_')),
    );
  const limitFile = (file: string) =>
    readFileSync(join(stage3.root, 'stages', '03-load-balancer', 'config', 'sign-in-limit', file), 'utf8');

  it('When planned, then nginx includes the sign-in rate of 10 a second per address and the app gets the shipped attempt limits', () => {
    const copies = join(stage3.stateDir, 'services', 'nginx', 'mounts', 'etc', 'nginx', 'conduit');
    expect(services.nginx?.setup?.files['nginx.conf']).toContain(
      `include ${join(copies, 'sign-in-limit.conf')};`,
    );
    expect(signInLimit(plan)).toBe(limitFile('per-address.conf'));
    expect(signInLimit(plan)).toMatch(/^limit_req_zone \$binary_remote_addr zone=sign_in:10m rate=10r\/s;$/m);
    expect(attemptLimits(plan)).toEqual({
      AUTH_ATTEMPTS_PER_ADDRESS: '30',
      AUTH_ATTEMPTS_PER_ADDRESS_WINDOW_SECONDS: '60',
      AUTH_ATTEMPTS_PER_ACCOUNT: '10',
      AUTH_ATTEMPTS_PER_ACCOUNT_WINDOW_SECONDS: '900',
    });
  });

  it('When the load-test variant is chosen, then nginx counts no login and the attempt limits of the app are raised', () => {
    const loadTest = planWith({ variant: 'load-test' });
    expect(signInLimit(loadTest)).toBe(limitFile('load-test.conf'));
    // An empty key: nginx counts no request, so no login is refused there.
    expect(signInLimit(loadTest)).toMatch(/^limit_req_zone "" zone=sign_in:10m rate=10r\/s;$/m);
    expect(attemptLimits(loadTest)).toEqual({
      AUTH_ATTEMPTS_PER_ADDRESS: '1000000',
      AUTH_ATTEMPTS_PER_ADDRESS_WINDOW_SECONDS: '60',
      AUTH_ATTEMPTS_PER_ACCOUNT: '1000000',
      AUTH_ATTEMPTS_PER_ACCOUNT_WINDOW_SECONDS: '900',
    });
    expect(byName(loadTest).app?.env.SESSION_STORE).toBe(services.app?.env.SESSION_STORE);
    expect(upstreamServers(loadTest)).toHaveLength(3);
  });

  it('When an HTTP port is chosen, then nginx moves there and the replicas follow it', () => {
    const moved = planWith({ httpPort: 18123 });
    expect(byName(moved).nginx?.ports).toEqual([{ container: 8080, host: 18123 }]);
    expect(byName(moved).app?.instances.map((instance) => instance.env.PORT)).toEqual([
      '18124',
      '18125',
      '18126',
    ]);
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

  it('When a service reaches a port its target has no native port for, then planning says how to give it one', () => {
    const compose = parseCompose(`
services:
  db: { image: "postgres:15", ports: ["15433:5432"], environment: { POSTGRES_PASSWORD: x } }
  app: { build: ., command: ["node", "a.ts"], environment: { URL: "http://db:6543" } }
`);
    expect(() => planStack(compose, stage, { nodePath })).toThrow(
      /no native port for 6543: give it expose: \["6543"\] and x-native-port/,
    );
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
    const [worker] = planStack(compose, stage, { nodePath }).services;
    expect(worker?.instances.map((instance) => [instance.name, instance.env.INSTANCE_NAME])).toEqual([
      ['worker.1', 'worker.1'],
      ['worker.2', 'worker.2'],
      ['worker.3', 'worker.3'],
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

  it('When PgBouncer has no native port for its listen_port, then planning says how to give it one', () => {
    const compose = parseCompose(`
services:
  pool:
    image: edoburu/pgbouncer:1.21.0
    volumes: ["${join(import.meta.dirname, 'fixtures', 'pgbouncer', 'pgbouncer.ini')}:/etc/pgbouncer/pgbouncer.ini"]
    ports: ["16499:5432"]
`);
    expect(() => planStack(compose, stage, { nodePath })).toThrow(
      /listens on 6432.*expose: \["6432"\] and x-native-port/,
    );
  });

  it('When a replicated service publishes a host port, then planning says to publish it on a balancer', () => {
    const compose = parseCompose(`
services:
  app: { build: ., command: ["node", "a.ts"], ports: ["18080:8080"], deploy: { replicas: 2 } }
`);
    expect(() => planStack(compose, stage, { nodePath })).toThrow(/balancer in front of it.*expose/);
  });

  it('When a service reaches a replicated one directly, then planning says to go through a balancer', () => {
    const compose = parseCompose(`
services:
  app: { build: ., command: ["node", "a.ts"], expose: ["8080"], deploy: { replicas: 2 } }
  probe: { build: ., command: ["node", "p.ts"], environment: { TARGET: "http://app:8080" } }
`);
    expect(() => planStack(compose, stage, { nodePath })).toThrow(/runs several replicas.*nginx upstream/);
  });

  it('When two services would share a native port, then planning names both and the setting that separates them', () => {
    const compose = parseCompose(`
services:
  api: { build: ., command: ["node", "a.ts"], expose: ["8080"], deploy: { replicas: 2 } }
  admin: { build: ., command: ["node", "b.ts"], expose: ["9000"] }
`);
    expect(() => planStack(compose, stage, { nodePath })).toThrow(/"api" and "admin".*x-native-port-base/);
  });

  it('When a replicated service sets x-native-port, then planning says to use x-native-port-base', () => {
    const compose = parseCompose(`
services:
  cache: { image: "redis:8.10", expose: ["6379"], x-native-port: 16379, deploy: { replicas: 2 } }
`);
    expect(() => planStack(compose, stage, { nodePath })).toThrow(/x-native-port.*x-native-port-base/);
  });

  it('When a service that does not exist is scaled, then planning lists the services', () => {
    const compose = parseCompose('services:\n  app: { build: ., command: ["node", "a.ts"] }\n');
    expect(() => planStack(compose, stage, { nodePath, scale: { ap: 2 } })).toThrow(/no service "ap".*app/);
  });

  it('When nginx runs natively, then the image user, IPv6 listens and image log paths become local ones', () => {
    const balancer = join(import.meta.dirname, 'fixtures', 'balancer', 'docker-compose.yml');
    const fixture = { ...stage, composeFile: balancer };
    const conf =
      planStack(loadCompose(balancer), fixture, { nodePath }).services.find(
        (service) => service.kind === 'nginx',
      )?.setup?.files['nginx.conf'] ?? '';
    expect(conf).toContain("# user nginx; (natively: the runner's service account)");
    expect(conf).toContain('# listen [::]:8080; (natively: IPv4 loopback only)');
    expect(conf).toContain('error_log stderr warn;');
    expect(conf).toContain('access_log /dev/stdout;');
    expect(conf).toContain(`pid ${join(stage.stateDir, 'services', 'balancer', 'nginx.pid')};`);
    expect(conf).toContain(`proxy_temp_path ${join(stage.stateDir, 'services', 'balancer', 'proxy_temp')};`);
  });

  it('When a service sets cpus, mem_limit or deploy.resources.limits, then its plan carries them as limits', () => {
    const compose = parseCompose(`
services:
  api: { build: ., command: ["node", "a.ts"], cpus: 0.25, mem_limit: 192m }
  worker: { build: ., command: ["node", "w.ts"], deploy: { resources: { limits: { cpus: "1.5", memory: 1G } } } }
  plain: { build: ., command: ["node", "p.ts"] }
`);
    const planned = planStack(compose, stage, { nodePath }).services.map((service) => service.limits);
    expect(planned).toEqual([
      { cpus: 0.25, memoryBytes: 192 * 1024 ** 2 },
      { cpus: 1.5, memoryBytes: 1024 ** 3 },
      undefined,
    ]);
  });

  it('When cpus and deploy.resources.limits.cpus disagree, then planning says to keep one of them', () => {
    const compose = parseCompose(`
services:
  api: { build: ., command: ["node", "a.ts"], cpus: 0.25, deploy: { resources: { limits: { cpus: "0.5" } } } }
`);
    expect(() => planStack(compose, stage, { nodePath })).toThrow(
      /cpus and deploy.resources.limits.cpus.*keep one/,
    );
  });

  it('When mem_limit is not a size, then planning shows how to write one', () => {
    const compose = parseCompose(
      'services:\n  api: { build: ., command: ["node", "a.ts"], mem_limit: lots }\n',
    );
    expect(() => planStack(compose, stage, { nodePath })).toThrow(/"lots".*512m/);
  });

  it('When a service sets x-native-environment, then it overrides environment natively and its addresses are mapped', () => {
    const compose = parseCompose(`
services:
  db: { image: "redis:8.10", expose: ["6379"], x-native-port: 16390 }
  api:
    build: .
    command: ["node", "a.ts"]
    environment: { ACTUATOR: docker, KEPT: "yes" }
    x-native-environment: { ACTUATOR: native, CACHE: "redis://db:6379", RETRIES: 3 }
`);
    const api = planStack(compose, stage, { nodePath }).services.find((service) => service.name === 'api');
    expect(api?.env).toMatchObject({
      ACTUATOR: 'native',
      KEPT: 'yes',
      CACHE: 'redis://127.0.0.1:16390',
      RETRIES: '3',
    });
  });

  it('When a service has a replica count, then its instances are numbered even at one, so scaling never renames them', () => {
    const compose = parseCompose(`
services:
  api: { build: ., command: ["node", "a.ts"], expose: ["8080"], deploy: { replicas: 1 } }
  worker: { build: ., command: ["node", "w.ts"] }
`);
    const names = (options: PlanOptions) =>
      planStack(compose, stage, { nodePath, ...options }).services.flatMap((service) =>
        service.instances.map((instance) => instance.name),
      );
    expect(names({})).toEqual(['api.1', 'worker']);
    expect(names({ scale: { worker: 1 } })).toEqual(['api.1', 'worker.1']);
  });

  it('When an image has no native launcher, then planning says where to add one', () => {
    const compose = parseCompose('services:\n  cache: { image: "memcached:1" }\n');
    expect(() => planStack(compose, stage, { nodePath })).toThrow(/no native launcher/);
  });
});
