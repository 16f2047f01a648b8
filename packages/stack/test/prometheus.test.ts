import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadStageCompose, planStack, repoRoot, resolveStage, type StackPlan } from '../src/index.ts';
import { prometheusFiles, stalePrometheusFiles } from '../src/prometheus-files.ts';

const stages = [1, 2, 3].map((number) => resolveStage(number));
const nodePath = '/opt/node24/bin/node';

interface NativeTarget {
  job: string;
  instance: string;
  address: string;
}

/** The targets of the configuration the prometheus kind writes for a native run. */
function nativeTargets(plan: StackPlan): NativeTarget[] {
  const prometheus = plan.services.find((service) => service.kind === 'prometheus');
  const config = parse(prometheus?.setup?.files['prometheus.yml'] ?? '') as {
    scrape_configs: {
      job_name: string;
      static_configs: { targets: string[]; labels: { instance: string } }[];
    }[];
  };
  return config.scrape_configs.flatMap((scrape) =>
    scrape.static_configs.flatMap((group) =>
      group.targets.map((address) => ({ job: scrape.job_name, instance: group.labels.instance, address })),
    ),
  );
}

const planOf = (number: number, scale?: Record<string, number>) => {
  const stage = resolveStage(number);
  return planStack(loadStageCompose(stage, undefined), stage, { nodePath, ...(scale ? { scale } : {}) });
};

describe('the generated Prometheus configuration of every stage', () => {
  it.each(stages.map((stage) => [stage.name, stage]))(
    'When %s is checked, then its committed prometheus.yml and prometheus-rules.yml are what its compose file generates',
    (_name, stage) => {
      const stale = stalePrometheusFiles(stage).map((file) => relative(repoRoot, file.path));
      expect(stale, `out of date: run pnpm stack prometheus ${Number.parseInt(stage.name, 10)}`).toEqual([]);
    },
  );

  it.each(stages.map((stage) => [stage.name, stage]))(
    'When promtool checks the files of %s, then the configuration parses and every rule is valid',
    (_name, stage) => {
      const [config, rules] = prometheusFiles(stage);
      const rulesOutput = execFileSync('promtool', ['check', 'rules', rules?.path ?? ''], {
        encoding: 'utf8',
      });
      expect(rulesOutput).toMatch(/SUCCESS: \d+ rules found/);
      // The rule file's path is the container's, so only the syntax of the configuration can be checked here.
      execFileSync('promtool', ['check', 'config', '--syntax-only', config?.path ?? ''], {
        encoding: 'utf8',
      });
    },
  );

  it('When stage 3 is generated for Docker, then the replicated services are found through DNS and the servers through their exporters', () => {
    const [config] = prometheusFiles(resolveStage(3));
    const scrapes = (parse(config?.content ?? '') as { scrape_configs: Record<string, unknown>[] })
      .scrape_configs;
    expect(scrapes.find((scrape) => scrape.job_name === 'app')).toEqual({
      job_name: 'app',
      dns_sd_configs: [{ names: ['app'], type: 'A', port: 9464, refresh_interval: '5s' }],
    });
    expect(scrapes.find((scrape) => scrape.job_name === 'redis-exporter')).toEqual({
      job_name: 'redis-exporter',
      static_configs: [{ targets: ['redis-exporter:9121'] }],
    });
    expect(scrapes.find((scrape) => scrape.job_name === 'zipkin')).toMatchObject({
      metrics_path: '/prometheus',
    });
    expect(scrapes.find((scrape) => scrape.job_name === 'prometheus')).toMatchObject({
      static_configs: [{ targets: ['localhost:9090'] }],
    });
  });

  it('When the rules of each stage are generated, then each stage alerts on what it runs', () => {
    const alerts = Object.fromEntries(
      stages.map((stage) => {
        const rules = parse(prometheusFiles(stage)[1]?.content ?? '') as {
          groups: { rules: { alert?: string }[] }[];
        };
        const names = rules.groups.flatMap((group) =>
          group.rules.flatMap((rule) => (rule.alert ? [rule.alert] : [])),
        );
        return [basename(stage.name), names];
      }),
    );
    const common = [
      'HighErrorRatio',
      'SlowP95Latency',
      'PgPoolSaturated',
      'PostgresConnectionsNearMax',
      'TargetDown',
    ];
    expect(alerts['01-single-server']?.sort()).toEqual([...common].sort());
    expect(alerts['02-separate-database']?.sort()).toEqual([...common, 'PgBouncerClientsWaiting'].sort());
    expect(alerts['03-load-balancer']?.sort()).toEqual(
      [...common, 'PgBouncerClientsWaiting', 'RedisMemoryNearMax', 'NginxDown'].sort(),
    );
  });
});

describe('the native Prometheus of every stage', () => {
  it('When stage 1 is planned, then Prometheus scrapes the app, the Postgres exporter, itself and Zipkin on their native ports', () => {
    expect(nativeTargets(planOf(1))).toEqual([
      { job: 'app', instance: 'app:9464', address: '127.0.0.1:19464' },
      { job: 'postgres-exporter', instance: 'postgres-exporter:9187', address: '127.0.0.1:19187' },
      { job: 'prometheus', instance: 'prometheus:9090', address: '127.0.0.1:9090' },
      { job: 'zipkin', instance: 'zipkin:9411', address: '127.0.0.1:9411' },
    ]);
  });

  it('When stage 2 is planned, then Prometheus also scrapes the worker and the PgBouncer exporter', () => {
    expect(nativeTargets(planOf(2)).map((target) => `${target.instance} ${target.address}`)).toEqual([
      'app:9464 127.0.0.1:19464',
      'worker:9464 127.0.0.1:19564',
      'postgres-exporter:9187 127.0.0.1:19187',
      'pgbouncer-exporter:9127 127.0.0.1:19127',
      'prometheus:9090 127.0.0.1:9090',
      'zipkin:9411 127.0.0.1:9411',
    ]);
  });

  it('When stage 3 is scaled to five replicas, then each replica is a target on its own metrics port and the worker keeps its port', () => {
    const app = nativeTargets(planOf(3, { app: 5 })).filter((target) =>
      ['app', 'worker'].includes(target.job),
    );
    expect(app.map((target) => `${target.instance} ${target.address}`)).toEqual([
      'app.1:9464 127.0.0.1:19464',
      'app.2:9464 127.0.0.1:19465',
      'app.3:9464 127.0.0.1:19466',
      'app.4:9464 127.0.0.1:19467',
      'app.5:9464 127.0.0.1:19468',
      'worker:9464 127.0.0.1:19564',
    ]);
    const replicas =
      planOf(3, { app: 5 }).services.find((service) => service.name === 'app')?.instances ?? [];
    expect(replicas.map((instance) => instance.env.METRICS_PORT)).toEqual([
      '19464',
      '19465',
      '19466',
      '19467',
      '19468',
    ]);
  });

  it("When stage 3 is planned, then Prometheus runs Debian's binary on 127.0.0.1 with the compose flags, its data in the volume and the rules copied beside its configuration", () => {
    const stage = resolveStage(3);
    const prometheus = planOf(3).services.find((service) => service.name === 'prometheus');
    const directory = join(stage.stateDir, 'services', 'prometheus');
    expect(prometheus?.argv.slice(3)).toEqual([
      '/usr/bin/prometheus',
      '--storage.tsdb.retention.time=2d',
      '--storage.tsdb.retention.size=512MB',
      `--config.file=${join(directory, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(stage.stateDir, 'volumes', 'promdata')}`,
      '--web.listen-address=127.0.0.1:9090',
    ]);
    expect(prometheus?.probe).toEqual({ type: 'http', url: 'http://127.0.0.1:9090/-/ready' });
    expect(prometheus?.reloadSignal).toBe('SIGHUP');
    const config = parse(prometheus?.setup?.files['prometheus.yml'] ?? '') as { rule_files: string[] };
    expect(config.rule_files).toEqual([join(directory, 'mounts', 'etc', 'prometheus', 'rules.yml')]);
    expect(prometheus?.setup?.files['mounts/etc/prometheus/rules.yml']).toBe(
      prometheusFiles(stage)[1]?.content,
    );
  });

  it('When the native configuration of stage 3 is written out, then promtool accepts it', () => {
    const folder = mkdtempSync(join(tmpdir(), 'native-prometheus-'));
    try {
      const prometheus = planOf(3).services.find((service) => service.name === 'prometheus');
      const file = join(folder, 'prometheus.yml');
      writeFileSync(file, prometheus?.setup?.files['prometheus.yml'] ?? '');
      execFileSync('promtool', ['check', 'config', '--syntax-only', file], { encoding: 'utf8' });
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
