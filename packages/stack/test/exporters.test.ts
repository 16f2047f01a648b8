import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadStageCompose, type PlannedService, planStack, resolveStage } from '../src/index.ts';
import { flagValue, listenPortOf, withFlag } from '../src/kinds/exporter.ts';

const stage3 = resolveStage(3);
const plan = planStack(loadStageCompose(stage3, undefined), stage3, { nodePath: '/opt/node24/bin/node' });
const service = (name: string) =>
  plan.services.find((candidate) => candidate.name === name) as PlannedService;
/** The command after `taskset -c <cpuset>`. */
const command = (name: string) => service(name).argv.slice(3);

describe('the exporters of stage 3, natively', () => {
  it('When planned, then the Postgres exporter logs in as the monitoring role on the native Postgres and listens on 127.0.0.1', () => {
    expect(command('postgres-exporter')).toEqual([
      '/usr/bin/prometheus-postgres-exporter',
      '--web.listen-address=127.0.0.1:19187',
    ]);
    expect(service('postgres-exporter').env.DATA_SOURCE_NAME).toBe(
      'postgres://conduit_monitor:local-demo-only-monitor@127.0.0.1:15432/conduit?sslmode=disable',
    );
    expect(service('postgres-exporter').probe).toEqual({
      type: 'http',
      url: 'http://127.0.0.1:19187/metrics',
    });
    expect(service('migrate').env).toMatchObject({
      MONITOR_DATABASE_USER: 'conduit_monitor',
      MONITOR_DATABASE_PASSWORD: 'local-demo-only-monitor',
    });
  });

  it('When planned, then the PgBouncer exporter reads its connection string from the environment, mapped to the native PgBouncer', () => {
    const exporter = service('pgbouncer-exporter');
    const directory = join(stage3.stateDir, 'services', 'pgbouncer-exporter');
    expect(exporter.argv.slice(4)).toEqual(['--config', join(directory, 'pgbouncer-exporter.yml')]);
    expect(exporter.env.PGBOUNCER_EXPORTER_CONNECTION_STRING).toBe(
      'postgres://pgbouncer_stats:local-demo-only-pgbouncer-stats@127.0.0.1:16432/pgbouncer?sslmode=disable',
    );
    const config = exporter.setup?.files['pgbouncer-exporter.yml'] ?? '';
    // The password stays in the environment: the file names the variable only.
    expect(config).not.toContain('local-demo-only');
    expect(parse(config)).toEqual({
      exporter_host: '127.0.0.1',
      exporter_port: 19127,
      pgbouncers: [{ dsn: '$(PGBOUNCER_EXPORTER_CONNECTION_STRING)', connect_timeout: 5 }],
    });
  });

  it('When planned, then PgBouncer lets the stats user in to its console only and the app to its database, both with SCRAM', () => {
    const pgbouncer = service('pgbouncer');
    const hba = pgbouncer.setup?.files['mounts/etc/pgbouncer/pgbouncer_hba.conf'] ?? '';
    const rules = hba
      .split('\n')
      .filter((line) => line.startsWith('host'))
      .map((line) => line.split(/\s+/).join(' '));
    expect(rules).toEqual([
      'host conduit conduit_app 0.0.0.0/0 scram-sha-256',
      'host pgbouncer conduit_app 0.0.0.0/0 scram-sha-256',
      'host pgbouncer pgbouncer_stats 0.0.0.0/0 scram-sha-256',
    ]);
    expect(pgbouncer.setup?.files['pgbouncer.ini']).toMatch(/^stats_users = conduit_app, pgbouncer_stats$/m);
  });

  it('When planned, then the Redis exporter reaches the native Redis with its password', () => {
    expect(command('redis-exporter')).toEqual([
      '/usr/bin/prometheus-redis-exporter',
      '--web.listen-address=127.0.0.1:19121',
    ]);
    expect(service('redis-exporter').env).toEqual({
      REDIS_ADDR: 'redis://127.0.0.1:16379',
      REDIS_PASSWORD: 'local-demo-only-redis',
    });
  });

  it("When planned, then the nginx exporter reads stub_status on nginx's internal listener, which the published port does not serve", () => {
    expect(command('nginx-exporter')).toEqual([
      '/usr/bin/prometheus-nginx-exporter',
      '--nginx.scrape-uri=http://127.0.0.1:18081/stub_status',
      '--web.listen-address=127.0.0.1:19113',
    ]);
    const conf = service('nginx').setup?.files['nginx.conf'] ?? '';
    const servers = conf.split(/^\s{4}server \{$/m).slice(1);
    const statusServer = servers.find((server) => server.includes('stub_status;'));
    expect(statusServer).toMatch(/listen 127\.0\.0\.1:18081;/);
    expect(statusServer).toMatch(/deny all;/);
    expect(servers.find((server) => server.includes('listen 127.0.0.1:8080;'))).not.toContain('stub_status');
  });

  it('When planned, then every exporter has its program to install and is ready once its metrics answer', () => {
    for (const name of ['postgres-exporter', 'pgbouncer-exporter', 'redis-exporter', 'nginx-exporter']) {
      expect(service(name).requires?.install, name).toMatch(/make bootstrap/);
      expect(service(name).probe, name).toMatchObject({
        type: 'http',
        url: expect.stringMatching(/\/metrics$/),
      });
    }
  });
});

describe('Go flags of the exporters', () => {
  it('When the listen address comes from the flag, the environment or neither, then its port is read in that order', () => {
    expect(listenPortOf(['--web.listen-address=:9999'], 'web.listen-address', 9121, ':9998')).toBe(9999);
    expect(listenPortOf([], 'web.listen-address', 9121, '0.0.0.0:9998')).toBe(9998);
    expect(listenPortOf([], 'web.listen-address', 9121, '')).toBe(9121);
  });

  it('When a flag is given as "--name value", "-name=value" or "--name=value", then the last one is read', () => {
    expect(flagValue(['--web.listen-address', ':9187'], 'web.listen-address')).toBe(':9187');
    expect(flagValue(['-web.listen-address=:1', '--web.listen-address=:2'], 'web.listen-address')).toBe(':2');
    expect(flagValue(['--web.listen-address.other=:1'], 'web.listen-address')).toBeUndefined();
  });

  it('When a flag is set natively, then every earlier form of it goes and other arguments stay in order', () => {
    expect(
      withFlag(
        ['--a=1', '--web.listen-address', ':9187', '--debug', '-web.listen-address=:1'],
        'web.listen-address',
        'x',
      ),
    ).toEqual(['--a=1', '--debug', '--web.listen-address=x']);
    expect(withFlag(['--web.listen-address', '--debug'], 'web.listen-address', 'x')).toEqual([
      '--debug',
      '--web.listen-address=x',
    ]);
  });
});
