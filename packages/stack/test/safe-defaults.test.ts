import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  type ComposeFile,
  type ComposeService,
  composeEnvironment,
  mergeCompose,
  parseCompose,
  repoRoot,
} from '../src/index.ts';

/**
 * What every stage's compose file ships, as people copy it: `docker compose up` with nothing set (every default),
 * for the file alone and with each variant over it. docker-compose.debug.yml is the one override that may publish
 * data services, and only on 127.0.0.1.
 */
const stageDirs = readdirSync(join(repoRoot, 'stages'))
  .map((folder) => join(repoRoot, 'stages', folder))
  .filter((dir) => existsSync(join(dir, 'docker-compose.yml')));

function topologies(dir: string, variables: Record<string, string> = {}): [string, ComposeFile][] {
  const base = parseCompose(readFileSync(join(dir, 'docker-compose.yml'), 'utf8'), variables);
  const variants = readdirSync(dir).filter((file) => /^docker-compose\.[\w-]+\.yml$/.test(file));
  return [
    [`${basename(dir)}/docker-compose.yml`, base],
    ...variants.map((file): [string, ComposeFile] => [
      `${basename(dir)}/${file}`,
      mergeCompose(base, parseCompose(readFileSync(join(dir, file), 'utf8'), variables)),
    ]),
  ];
}

const all = stageDirs.flatMap((dir) => topologies(dir));
const isData = (service: ComposeService) => /(^|\/)(postgres|pgbouncer|redis)(:|$)/.test(service.image ?? '');
const isRedis = (service: ComposeService) => /(^|\/)redis:/.test(service.image ?? '');
const services = (compose: ComposeFile) => Object.entries(compose.services);
const isUi = (service: ComposeService) => /(^|\/)(prometheus|zipkin):/.test(service.image ?? '');
const isExporter = (service: ComposeService) => /exporter/.test(service.image ?? '');
/** Each server image and the standard exporter that measures it. */
const exporterOf: Record<string, string> = {
  postgres: 'prometheuscommunity/postgres-exporter',
  pgbouncer: 'prometheuscommunity/pgbouncer-exporter',
  redis: 'oliver006/redis_exporter',
  nginx: 'nginx/nginx-prometheus-exporter',
};

/** `--name value` of a command, the last one winning as redis-server reads it. */
function option(service: ComposeService, name: string): string | undefined {
  const args = Array.isArray(service.command) ? service.command.map(String) : [];
  const at = args.lastIndexOf(`--${name}`);
  return at === -1 ? undefined : args[at + 1];
}

function bytes(size: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([kmg]?)b?$/i.exec(size.trim());
  if (!match) throw new Error(`"${size}" is not a size such as 192mb.`);
  const unit = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[(match[2] as string).toLowerCase()] as number;
  return Number(match[1]) * unit;
}

describe('Safe defaults of every stage topology', () => {
  it.each(all)('When %s runs, then no data service is published beyond 127.0.0.1', (file, compose) => {
    for (const [name, service] of services(compose).filter(([, candidate]) => isData(candidate))) {
      const ports = (service.ports ?? []).map(String);
      if (file.endsWith('docker-compose.debug.yml')) {
        for (const port of ports) expect(port, `${file}: ${name}`).toMatch(/^127\.0\.0\.1:\d+:\d+$/);
      } else {
        expect(ports, `${file}: ${name} is reachable on the compose network only`).toEqual([]);
      }
    }
  });

  it.each(all)(
    'When %s runs, then Prometheus and Zipkin publish their UIs on 127.0.0.1 only, and the exporters and metrics ports are never published',
    (file, compose) => {
      for (const [name, service] of services(compose)) {
        const ports = (service.ports ?? []).map(String);
        if (isUi(service)) {
          expect(ports.length, `${file}: ${name} publishes its UI`).toBeGreaterThan(0);
          for (const port of ports) expect(port, `${file}: ${name}`).toMatch(/^127\.0\.0\.1:\d+:\d+$/);
        }
        if (isExporter(service)) expect(ports, `${file}: ${name} is for Prometheus only`).toEqual([]);
        for (const port of ports)
          expect(port, `${file}: ${name} publishes its metrics`).not.toMatch(/:9464$/);
      }
    },
  );

  it.each(all)(
    'When %s runs, then Prometheus keeps a bounded history in a bounded memory, and every server has its exporter',
    (file, compose) => {
      const prometheus = services(compose).filter(([, service]) =>
        /(^|\/)prometheus:/.test(service.image ?? ''),
      );
      expect(prometheus.length, `${file} runs Prometheus`).toBe(1);
      for (const [name, service] of prometheus) {
        const flags = Array.isArray(service.command) ? service.command.map(String) : [];
        expect(
          flags.some((flag) => flag.startsWith('--storage.tsdb.retention.time=')),
          `${file}: ${name}`,
        ).toBe(true);
        expect(
          flags.some((flag) => flag.startsWith('--storage.tsdb.retention.size=')),
          `${file}: ${name}`,
        ).toBe(true);
        expect((service as { mem_limit?: string }).mem_limit, `${file}: ${name} mem_limit`).toBeTruthy();
      }
      const images = services(compose).map(([, service]) => service.image ?? '');
      for (const [server, exporter] of Object.entries(exporterOf)) {
        if (images.some((image) => new RegExp(`(^|/)${server}:`).test(image))) {
          expect(
            images.some((image) => image.includes(exporter)),
            `${file}: ${server} is measured`,
          ).toBe(true);
        }
      }
    },
  );

  it.each(all)(
    'When %s runs a Redis, then it has a password and a maxmemory under its memory limit',
    (file, compose) => {
      for (const [name, service] of services(compose).filter(([, candidate]) => isRedis(candidate))) {
        expect(option(service, 'requirepass'), `${file}: ${name} --requirepass`).toBeTruthy();
        const maxmemory = option(service, 'maxmemory');
        expect(maxmemory, `${file}: ${name} --maxmemory`).toBeTruthy();
        const limit = (service as { mem_limit?: string }).mem_limit;
        expect(limit, `${file}: ${name} mem_limit`).toBeTruthy();
        expect(bytes(maxmemory as string)).toBeLessThan(bytes(limit as string));
      }
    },
  );

  it.each(all)(
    'When %s runs, then the app connects as a role of its own, not the schema owner',
    (file, compose) => {
      const owners = services(compose).flatMap(([, service]) => {
        const user = composeEnvironment(service).POSTGRES_USER;
        return /(^|\/)postgres:/.test(service.image ?? '') ? [user ?? 'postgres'] : [];
      });
      const migrate = composeEnvironment(compose.services.migrate ?? {});
      for (const [name, service] of services(compose).filter(([candidate]) => candidate !== 'migrate')) {
        const url = composeEnvironment(service).DATABASE_URL;
        if (!url) continue;
        const user = new URL(url).username;
        expect(owners, `${file}: ${name} connects as ${user}`).not.toContain(user);
        expect(user).toBe(migrate.APP_DATABASE_USER);
      }
    },
  );

  it.each(all)(
    'When %s runs our services, then each says NODE_ENV, development unless set',
    (file, compose) => {
      for (const [name, service] of services(compose).filter(
        ([, candidate]) => candidate.build !== undefined,
      )) {
        expect(composeEnvironment(service).NODE_ENV, `${file}: ${name}`).toBe('development');
      }
    },
  );

  it.each(all)(
    'When %s runs, then logins and registrations are throttled as shipped, unless it is a benchmark variant (load-test, write-load)',
    (file, compose) => {
      // The bench registers its users from one address: its variants, and only they, lift the sign-in limits.
      const loadTest = /docker-compose\.(load-test|write-load)\.yml$/.test(file);
      const limits = services(compose).flatMap(([name, service]) =>
        Object.entries(composeEnvironment(service))
          .filter(([key]) => key.startsWith('AUTH_ATTEMPTS_'))
          .map(([key, value]) => [`${name}.${key}`, value]),
      );
      const rates = services(compose).flatMap(([name, service]) =>
        (service.volumes ?? [])
          .map((volume) => (typeof volume === 'string' ? volume.split(':') : [volume.source, volume.target]))
          .filter(([, target]) => target === '/etc/nginx/conduit/sign-in-limit.conf')
          .map(([source]) => {
            const text = readFileSync(join(repoRoot, 'stages', dirname(file), source as string), 'utf8');
            const zone = /^limit_req_zone (\S+) zone=\S+ rate=(\d+)r\/s;$/m.exec(text);
            return [`${name} ${source}`, zone ? `${zone[1]} ${zone[2]}` : text];
          }),
      );
      if (loadTest) {
        expect(rates.length, `${file} mounts a sign-in rate`).toBeGreaterThan(0);
        for (const [where, zone] of rates) expect(zone, where).toBe('"" 10');
        const counts = limits.filter(([where]) => /_(ADDRESS|ACCOUNT)$/.test(where as string));
        expect(counts.length, `${file} raises the attempt limits`).toBeGreaterThan(0);
        for (const [where, value] of counts) expect(Number(value), where).toBeGreaterThanOrEqual(1_000_000);
        return;
      }
      // The app's defaults (packages/conduit/src/users/credential-throttle.ts) and nginx's 10 a second per address.
      const shipped: Record<string, string> = {
        AUTH_ATTEMPTS_PER_ADDRESS: '30',
        AUTH_ATTEMPTS_PER_ADDRESS_WINDOW_SECONDS: '60',
        AUTH_ATTEMPTS_PER_ACCOUNT: '10',
        AUTH_ATTEMPTS_PER_ACCOUNT_WINDOW_SECONDS: '900',
      };
      for (const [where, value] of limits) {
        expect(value, where).toBe(shipped[(where as string).split('.')[1] as string]);
      }
      for (const [where, zone] of rates) expect(zone, where).toBe('$binary_remote_addr 10');
    },
  );

  it.each(stageDirs.map((dir) => [basename(dir), dir]))(
    'When %s is started with nothing set, then every secret is a default that names itself a local demo, and each comes from the environment when set',
    (_name, dir) => {
      const file = readFileSync(join(dir, 'docker-compose.yml'), 'utf8');
      const names = [...file.matchAll(/\$\{([A-Z_][A-Z0-9_]*)/g)].map((match) => match[1] as string);
      const set = Object.fromEntries(names.map((name) => [name, `from-env-${name.toLowerCase()}`]));
      const [[, demo]] = topologies(dir) as [[string, ComposeFile]];
      const [[, configured]] = topologies(dir, set) as [[string, ComposeFile]];
      const secrets = (compose: ComposeFile) =>
        services(compose).flatMap(([name, service]) => [
          ...Object.entries(composeEnvironment(service))
            .filter(([key, value]) => /PASSWORD|SECRET|AUTH$/.test(key) || /:\/\/[^/]*:[^/@]+@/.test(value))
            .map(([key, value]) => [`${name}.${key}`, value]),
          ...(isRedis(service) ? [[`${name} --requirepass`, option(service, 'requirepass') ?? '']] : []),
        ]);
      const defaults = secrets(demo);
      expect(defaults.length).toBeGreaterThan(0);
      for (const [where, value] of defaults) expect(value, where).toMatch(/local-demo-only/);
      for (const [where, value] of secrets(configured)) expect(value, where).not.toMatch(/local-demo-only/);
    },
  );

  it.each(stageDirs.map((dir) => [basename(dir), dir]))(
    'When %s documents its settings, then .env.example names every variable its compose file reads',
    (_name, dir) => {
      const file = readFileSync(join(dir, 'docker-compose.yml'), 'utf8');
      const example = readFileSync(join(dir, '.env.example'), 'utf8');
      for (const name of new Set([...file.matchAll(/\$\{([A-Z_][A-Z0-9_]*)/g)].map((match) => match[1]))) {
        expect(example).toMatch(new RegExp(`^${name}=`, 'm'));
      }
    },
  );
});
