import { runConformance, totals } from '@scaling/conformance';
import { resolveStage, stackDown, stackUp } from '@scaling/stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cgroupLimits } from './cgroup-limits.ts';
import { type ComposeStack, composeStack, type ResolvedService, secondsSince } from './compose-stack.ts';
import { assertPublishedPortsFree } from './host-ports.ts';
import { containersToScrape, traceArticlePost, waitForScrapes } from './observability.ts';

/** Every stage publishes its API (or its balancer) here, under Docker as natively. */
export const origin = 'http://127.0.0.1:8080';

/** The UIs published besides the entry point, each on the loopback interface only. */
const loopbackUis: Record<string, number> = { prometheus: 9090, zipkin: 9411 };

/** Packages only tests and tools use: none may be in the image (node_modules/.pnpm entries start so). */
const toolPackages = ['vitest@', '@usebruno+cli@', 'autocannon@', 'typescript@', '@biomejs+', 'fast-check@'];

/** A test of the running stack: its title, its body (given the stack and its resolved services) and its timeout. */
export interface StackCheck {
  title: string;
  run: (stack: ComposeStack, services: Record<string, ResolvedService>) => Promise<void>;
  timeoutMs: number;
}

export interface DockerStageOptions {
  stage: number;
  /** The one service that publishes a port on the host. */
  entry: string;
  /** What only this stage has to prove under an engine, run after the common checks. */
  checks?: StackCheck[];
  /** The stage's failure drill, run against its containers. */
  drill?: StackCheck;
  /**
   * Boots the stage natively after Docker to print both boot times. Off unless DOCKER_COMPARE_NATIVE_BOOT=1: each
   * stage's own tests already boot it natively, and the comparison costs one more boot per stage (17-35 s each).
   */
  compareNativeBoot?: boolean;
}

function log(stage: number, message: string): void {
  console.log(`[docker] stage ${stage}: ${message}`);
}

/** Bytes from compose's normalised sizes ("536870912"). */
function bytes(size: string | number | undefined): number | undefined {
  return size === undefined ? undefined : Number(size);
}

/** Seconds from a compose duration ("15s", "1m30s"). */
function durationSeconds(duration: string): number {
  let seconds = 0;
  for (const [, amount, unit] of duration.matchAll(/(\d+(?:\.\d+)?)(h|ms|m|s)/g)) {
    seconds += Number(amount) * { h: 3600, m: 60, s: 1, ms: 0.001 }[unit as 'h' | 'm' | 's' | 'ms'];
  }
  return seconds;
}

/**
 * One stage built and run by Docker Compose exactly as a user runs it: build, up with healthchecks and
 * depends_on, the official suite through the published port, what only a real engine enforces, the stage's
 * drill, and its boot time beside the native runner's.
 */
export function describeDockerStage(options: DockerStageOptions): void {
  const { stage, entry } = options;
  // Every trace kept, so that the one the trace test starts is recorded (the compose files keep 1% by default).
  const stack = composeStack(resolveStage(stage).name, { OTEL_TRACES_SAMPLER_ARG: '1' });
  const timings = { buildSeconds: 0, dockerBootSeconds: 0 };
  let services: Record<string, ResolvedService> = {};

  describe(`Stage ${stage} under Docker Compose`, () => {
    beforeAll(async () => {
      log(stage, 'removing what an earlier run left (docker compose down -v) ...');
      await stack.down();
      services = (await stack.config()).services;
      await assertPublishedPortsFree(services);
      log(stage, 'docker compose build ...');
      let startedAt = performance.now();
      await stack.build();
      timings.buildSeconds = secondsSince(startedAt);
      log(stage, `built in ${timings.buildSeconds} s; docker compose up --wait ...`);
      startedAt = performance.now();
      await stack.up();
      timings.dockerBootSeconds = secondsSince(startedAt);
      log(stage, `every service healthy (or done) in ${timings.dockerBootSeconds} s`);
    }, 1_200_000);

    afterAll(async () => {
      await stack.down();
    }, 240_000);

    // Before the suite, whose registrations use up the per-address allowance this test's one registration needs.
    it("When a client POSTs an article through the published port with a trace context, then Zipkin holds the trace: the app's server span as the client span's child, and its queries to the database host the app is given", async () => {
      const app = services.app;
      const appService = app?.environment?.OTEL_SERVICE_NAME;
      const databaseUrl = app?.environment?.DATABASE_URL;
      // Stage 4 reads on replicas: a query may go to any host the app is given, the primary's or a replica's.
      const replicaUrls = (app?.environment?.DATABASE_REPLICA_URLS ?? '').split(',').filter(Boolean);
      // Stage 6 writes an article on its author's shard: SHARD_URLS lists `name=url` per shard, comma-separated.
      const shardUrls = (app?.environment?.SHARD_URLS ?? '')
        .split(',')
        .filter((entry) => entry.includes('='))
        .map((entry) => entry.slice(entry.indexOf('=') + 1));
      if (!appService || !databaseUrl) {
        throw new Error(
          `The app service of stage ${stage} has no OTEL_SERVICE_NAME or DATABASE_URL in its compose file.`,
        );
      }
      const trace = await traceArticlePost(origin, appService, 30_000, (message) => log(stage, message));
      log(
        stage,
        `Zipkin trace ${trace.traceId}: ${trace.spans.map((span) => `${span.localEndpoint?.serviceName}: ${span.name}`).join('; ')}`,
      );
      expect(trace.server, `a SERVER span of ${appService} in trace ${trace.traceId}`).toBeDefined();
      expect(trace.server?.parentId).toBe(trace.clientSpanId);
      expect(trace.queries.length).toBeGreaterThan(0);
      const databaseHosts = [databaseUrl, ...replicaUrls, ...shardUrls].map(
        (url) => new URL(url.trim()).hostname,
      );
      for (const query of trace.queries) {
        expect(databaseHosts, `${query.name}: database host`).toContain(query.tags?.['server.address']);
      }
    }, 120_000);

    it('When the stage is up, then the official RealWorld suite passes through the published port', async () => {
      log(stage, `running the RealWorld suite against ${origin} ...`);
      const results = await runConformance(origin);
      const sum = totals(results);
      log(
        stage,
        `RealWorld suite: requests ${sum.passedRequests}/${sum.totalRequests}, assertions ${sum.passedAssertions}/${sum.totalAssertions}`,
      );
      expect(results.flatMap((result) => result.failures)).toEqual([]);
      expect(sum.totalRequests).toBeGreaterThan(100);
      expect(sum.passedRequests).toBe(sum.totalRequests);
      expect(sum.passedAssertions).toBe(sum.totalAssertions);
    }, 600_000);

    it(`When the stage is up, then ${entry} publishes 8080, Prometheus and Zipkin publish their UIs on 127.0.0.1 only, and no data service publishes a port`, async () => {
      const published = (await stack.containers()).flatMap((container) =>
        (container.Publishers ?? [])
          .filter((publisher) => publisher.PublishedPort > 0)
          .map((publisher) =>
            container.Service === entry
              ? `${container.Service}:${publisher.PublishedPort}`
              : `${container.Service}:${publisher.URL}:${publisher.PublishedPort}`,
          ),
      );
      const uis = Object.entries(loopbackUis).map(([service, port]) => `${service}:127.0.0.1:${port}`);
      expect([...new Set(published)].sort()).toEqual([`${entry}:8080`, ...uis].sort());
    });

    it('When the stage is up, then every container gets the memory limit, CPU set, CPU quota, stop grace period, stop signal and restart policy of its compose file, none has restarted, and every healthcheck passes', async () => {
      const running = (await stack.containers()).filter((container) => container.State === 'running');
      expect(running.length).toBeGreaterThan(0);
      for (const container of running) {
        const wanted = services[container.Service] as ResolvedService;
        const [inspected] = await stack.inspect(container.ID);
        if (!inspected) throw new Error(`docker inspect found no container ${container.Name}.`);
        const { memory, cpus, cpuQuota } = await cgroupLimits(inspected.State.Pid);
        const where = `${container.Name} (${container.Service})`;
        const limit = bytes(wanted.mem_limit);
        if (limit !== undefined) expect(Number(memory), `${where}: cgroup memory limit`).toBe(limit);
        if (wanted.cpuset !== undefined) expect(cpus, `${where}: cgroup CPU set`).toBe(wanted.cpuset);
        if (wanted.cpus !== undefined) {
          expect(cpuQuota, `${where}: cgroup CPU quota`).toBe(Number(wanted.cpus));
        }
        if (wanted.stop_grace_period !== undefined) {
          expect(inspected.Config.StopTimeout, `${where}: stop timeout`).toBe(
            durationSeconds(wanted.stop_grace_period),
          );
        }
        if (wanted.stop_signal !== undefined) {
          expect(inspected.Config.StopSignal, `${where}: stop signal`).toBe(wanted.stop_signal);
        }
        expect(inspected.HostConfig.RestartPolicy.Name || 'no', `${where}: restart policy`).toBe(
          wanted.restart ?? 'no',
        );
        // A process that died since `up` (a crash, the OOM killer at the memory limit) and was restarted.
        if (inspected.RestartCount > 0) {
          log(
            stage,
            `${where} restarted ${inspected.RestartCount} time(s); ${container.Service}'s last lines:\n${await stack.logs(container.Service, 15)}`,
          );
        }
        expect(inspected.RestartCount, `${where}: restarts since up`).toBe(0);
        if (wanted.healthcheck?.test && !wanted.healthcheck.disable) {
          expect(inspected.State.Health?.Status, `${where}: health`).toBe('healthy');
        }
      }
    });

    it('When the app image runs, then its processes are unprivileged and its node_modules hold runtime packages only (no vitest, Bruno CLI, autocannon, TypeScript, Biome or fast-check)', async () => {
      const [uid, ...entries] = (
        await stack.exec('app', [
          'sh',
          '-c',
          'id -u; find node_modules/.pnpm -mindepth 1 -maxdepth 1 -type d -not -name node_modules -printf "%f\\n"',
        ])
      )
        .trim()
        .split('\n');
      const image = services.app?.image as string;
      const megabytes = Math.round((await stack.imageSize(image)) / 1e6);
      log(stage, `${image}: ${megabytes} MB, ${entries.length} packages in node_modules/.pnpm, uid ${uid}`);
      expect(Number(uid)).not.toBe(0);
      expect(entries.length).toBeGreaterThan(50);
      expect(entries.filter((name) => toolPackages.some((prefix) => name.startsWith(prefix)))).toEqual([]);
    });

    it('When the stage is up, then Prometheus has every target up, among them each Node replica and each exporter, and every exporter reaches its server', async () => {
      const expected = await containersToScrape(stack, services);
      for (const [name, service] of Object.entries(services)) {
        // A one-shot service (restart: "no", the migrations) has exited by now: nothing of it is left to scrape.
        if (service.environment?.METRICS_PORT === undefined || service.restart === 'no') continue;
        expect(
          expected.filter((container) => container.service === name).length,
          `${name}: running replicas that serve /metrics`,
        ).toBe(service.deploy?.replicas ?? 1);
      }
      const report = await waitForScrapes(expected, 90_000, (message) => log(stage, message));
      for (const { container, target, samples } of report.samples) {
        log(stage, `scraped ${container} at ${target}: ${samples} samples`);
      }
      expect(report.down).toEqual([]);
      expect(report.unscraped).toEqual([]);
      expect(report.unreached).toEqual([]);
      expect(report.samples.filter(({ samples }) => samples === 0)).toEqual([]);
    }, 120_000);

    for (const check of [...(options.checks ?? []), ...(options.drill ? [options.drill] : [])]) {
      it(check.title, () => check.run(stack, services), check.timeoutMs);
    }

    it.runIf(options.compareNativeBoot ?? process.env.DOCKER_COMPARE_NATIVE_BOOT === '1')(
      'When the same stage boots natively from its compose file, then both boot times are reported side by side',
      async () => {
        await stack.down();
        log(
          stage,
          'docker compose down -v done; booting the native runner (pnpm stack up) for comparison ...',
        );
        await stackDown(stage, { volumes: true });
        const startedAt = performance.now();
        try {
          await stackUp(stage);
          const nativeBootSeconds = secondsSince(startedAt);
          const health = await fetch(`${origin}/api/health`, { signal: AbortSignal.timeout(5_000) });
          expect(health.status).toBe(200);
          log(
            stage,
            `boot from empty volumes: Docker ${timings.dockerBootSeconds} s (up --wait; build ${timings.buildSeconds} s before it), native ${nativeBootSeconds} s`,
          );
        } finally {
          await stackDown(stage, { volumes: true });
        }
      },
      300_000,
    );
  });
}
