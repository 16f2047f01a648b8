import { createPublicKey, type JsonWebKey, randomBytes, verify } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { classifyOutcome } from '@scaling/bench';
import { resolveStage } from '@scaling/stack';
import { expect } from 'vitest';
import { makeApiFixtures, registerUser } from './api-fixtures.ts';
import { cgroupLimits, cgroupMemoryPeak } from './cgroup-limits.ts';
import { type ClosedLoad, type LoadOutcome, type LoadRequest, startClosedLoad } from './closed-load.ts';
import { type ComposeStack, composeStack, type ResolvedService } from './compose-stack.ts';
import { describeDockerStage, origin } from './docker-stage.ts';

const stage = 5;
const folder = resolveStage(stage).name;

/**
 * The variant that compresses the autoscaler's clock for demos and tests (the stage's own file: 40 times faster,
 * its windows kept at their 15 s floor), switched on as a user does.
 */
const fastScalingFile = 'docker-compose.fast-scaling.yml';

/** What this test adds to it: one replica above the minimum at most, whatever the spike makes the policy ask for. */
const autoscalerOverrides = { AUTOSCALER_MAX_REPLICAS: '3' };

/** Clients of the spike (enough to keep two 0.25-CPU replicas busy across the edge's 80 ms), then of the calm. */
const spikeClients = 48;
const calmClients = 2;

/** How long a scale-out (a window, a decision, a container up and healthy, nginx reloaded) or a scale-in may take. */
const scaleTimeoutMs = 100_000;

function log(message: string): void {
  console.log(`[docker] stage ${stage}: ${message}`);
}

function sleep(ms: number): Promise<void> {
  return new Promise((wake) => setTimeout(wake, ms));
}

function decodeSegment<T>(segment: string): T {
  return JSON.parse(Buffer.from(segment, 'base64url').toString('utf8')) as T;
}

/** The app's replicas that are running now. */
async function appReplicas(stack: ComposeStack) {
  return (await stack.containers()).filter(
    (container) => container.Service === 'app' && container.State === 'running',
  );
}

/** Polls until `condition` returns a value, printing `waiting` every 10 s; undefined after the timeout. */
async function waitFor<T>(
  condition: () => Promise<T | undefined>,
  timeoutMs: number,
  waiting: () => Promise<string>,
): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  let lastLog = Date.now();
  for (;;) {
    const value = await condition();
    if (value !== undefined || Date.now() > deadline) return value;
    if (Date.now() - lastLog > 10_000) {
      lastLog = Date.now();
      log(await waiting());
    }
    await sleep(1_000);
  }
}

/** One line of the autoscaler's log (pino JSON): a decision, a scaling done, a failure. */
interface AutoscalerEvent {
  event?: string;
  service?: string;
  direction?: string;
  msg?: string;
}

/** The autoscaler's last `count` log messages about the app that `keep` selects, one a line. */
async function autoscalerLog(
  stack: ComposeStack,
  count: number,
  keep: (event: AutoscalerEvent) => boolean,
): Promise<string> {
  const output = await stack.logs('autoscaler', 2_000).catch((error: Error) => error.message);
  const events = output.split('\n').flatMap((line): AutoscalerEvent[] => {
    try {
      // Each line is prefixed with its container's name: "conduit-stage-05-autoscaler-1  | {...}".
      return [JSON.parse(line.slice(line.indexOf('|') + 1)) as AutoscalerEvent];
    } catch {
      return [];
    }
  });
  return events
    .filter((event) => (event.service === undefined || event.service === 'app') && keep(event))
    .slice(-count)
    .map((event) => `  ${event.event}: ${event.msg}`)
    .join('\n');
}

/** Its latest decision, whatever it is (a hold says why). */
const latestDecision = (event: AutoscalerEvent) => event.event === 'decision';
/** What it did and what failed: scale decisions, scalings, failures, the start line with its settings. */
const actions = (event: AutoscalerEvent) =>
  (event.event === 'decision' && event.direction !== 'hold') || event.event !== 'decision';

/** Requests answered per replica, e.g. "4f1c2a9b0e3d: 120, 9a8b...: 98". */
function perReplica(outcomes: LoadOutcome[]): string {
  const counts = new Map<string, number>();
  for (const { servedBy } of outcomes)
    counts.set(servedBy ?? 'none', (counts.get(servedBy ?? 'none') ?? 0) + 1);
  return [...counts].map(([name, count]) => `${name}: ${count}`).join(', ');
}

/** Signed-in reads only: each passes the edge (a request with a token is never cached there) and costs an app CPU. */
async function signedInReads(): Promise<LoadRequest[]> {
  const fixtures = await makeApiFixtures(origin, 2, 2);
  return fixtures.tokens.flatMap((token) => {
    const headers = { authorization: `Token ${token}` };
    return [
      '/api/articles?limit=20',
      '/api/articles/feed?limit=20',
      '/api/user',
      ...fixtures.slugs.map((slug) => `/api/articles/${slug}`),
    ].map((path) => ({ path, headers }));
  });
}

/**
 * The autoscaler recreated with the fast-scaling variant and this test's overrides (written to a file of their
 * own), as a user switching the variant on would get it; every other service keeps running as it is.
 */
async function switchToFastScaling(): Promise<void> {
  const folderPath = await mkdtemp(join(tmpdir(), 'stage-05-autoscaler-'));
  const override = join(folderPath, 'autoscaler.override.json');
  await writeFile(
    override,
    JSON.stringify({ services: { autoscaler: { environment: autoscalerOverrides } } }),
  );
  const fast = composeStack(folder, {
    OTEL_TRACES_SAMPLER_ARG: '1',
    COMPOSE_FILE: ['docker-compose.yml', fastScalingFile, override].join(':'),
  });
  try {
    log(`recreating the autoscaler with ${fastScalingFile} and ${JSON.stringify(autoscalerOverrides)} ...`);
    await fast.upService('autoscaler');
  } finally {
    await rm(folderPath, { recursive: true, force: true });
  }
}

async function checkScaling(stack: ComposeStack, services: Record<string, ResolvedService>): Promise<void> {
  const app = services.app as ResolvedService;
  const minimum = app.deploy?.replicas ?? 1;
  const before = await appReplicas(stack);
  expect(before.length, 'app replicas before the spike').toBe(minimum);
  await switchToFastScaling();
  const requests = await signedInReads();
  const project = (await stack.config()).name;
  let load: ClosedLoad | undefined;
  try {
    load = startClosedLoad({ origin, requests, clients: spikeClients, timeoutMs: 15_000 });
    const startedAt = performance.now();
    const since = () => `${Math.round((performance.now() - startedAt) / 1000)} s`;
    log(
      `spike: ${spikeClients} clients sending signed-in reads through ${origin}; waiting for a scale-out ...`,
    );
    const running = load;
    const added = await waitFor(
      async () =>
        (await appReplicas(stack)).find((container) => !before.some(({ ID }) => ID === container.ID)),
      scaleTimeoutMs,
      async () =>
        `${since()}: ${running.outcomes.length} requests answered (${perReplica(running.outcomes)}); autoscaler:\n${await autoscalerLog(stack, 1, latestDecision)}`,
    );
    expect(added, `a new app container within ${scaleTimeoutMs / 1000} s of the spike`).toBeDefined();
    const [inspected] = await stack.inspect((added as NonNullable<typeof added>).ID);
    if (!inspected) throw new Error(`docker inspect found no container ${added?.Name}.`);
    const hostname = inspected.Config.Hostname;
    log(`${since()}: scaled out: ${inspected.Name} (hostname ${hostname}) is running`);
    // Compose's own labels make it one of the app's replicas: `docker compose ps`, `down` and the next `up` see it.
    expect(inspected.Config.Labels['com.docker.compose.project']).toBe(project);
    expect(inspected.Config.Labels['com.docker.compose.service']).toBe('app');
    expect(before.map(({ ID }) => ID)).not.toContain(inspected.Id);
    const { cpuQuota } = await cgroupLimits(inspected.State.Pid);
    expect(cpuQuota, 'the new replica keeps the CPU quota of the compose file').toBe(Number(app.cpus));
    const served = await waitFor(
      async () => running.outcomes.find((outcome) => outcome.servedBy === hostname),
      30_000,
      async () => `${since()}: nginx has not routed to ${hostname} yet (${perReplica(running.outcomes)})`,
    );
    log(`${since()}: the new replica answers through ${origin}: ${perReplica(running.outcomes)}`);
    expect(served, `a request answered by ${hostname} (X-Served-By)`).toBeDefined();

    load.setClients(calmClients);
    log(`${since()}: calm: ${calmClients} clients; waiting for the scale-in back to ${minimum} ...`);
    const scaledIn = await waitFor(
      async () => ((await appReplicas(stack)).length === minimum ? true : undefined),
      scaleTimeoutMs,
      async () =>
        `${since()}: ${(await appReplicas(stack)).length} app replicas running; autoscaler:\n${await autoscalerLog(stack, 1, latestDecision)}`,
    );
    expect(scaledIn, `back to ${minimum} app replicas within ${scaleTimeoutMs / 1000} s of the calm`).toBe(
      true,
    );
    // Requests sent just before the scale-in are still answered by the replica that drains: let them finish.
    await sleep(3_000);
    const outcomes = await load.stop();
    load = undefined;
    log(`${since()}: scaled in; autoscaler's decisions:\n${await autoscalerLog(stack, 12, actions)}`);
    const failed = outcomes.filter((outcome) => classifyOutcome(outcome) === 'failed');
    const statuses = [...new Set(outcomes.map((outcome) => outcome.status ?? outcome.error))].join(', ');
    log(
      `${outcomes.length} requests, ${failed.length} failed (statuses ${statuses}): ${perReplica(outcomes)}`,
    );
    expect(failed).toEqual([]);
    expect(outcomes.every((outcome) => outcome.status === 200)).toBe(true);
    // The spike must not have cost a replica its process (the OOM killer at mem_limit, a crash and a restart).
    const mebibytes = (bytes: number | string | undefined) =>
      bytes === undefined ? 'unknown' : `${Math.round(Number(bytes) / 2 ** 20)} MiB`;
    for (const replica of await stack.inspect(...(await appReplicas(stack)).map(({ ID }) => ID))) {
      const peak = await cgroupMemoryPeak(replica.State.Pid);
      log(
        `${replica.Name}: peak memory since its start ${mebibytes(peak)} (limit ${mebibytes(app.mem_limit)}), ${replica.RestartCount} restarts`,
      );
      expect(replica.RestartCount, `${replica.Name}: restarts`).toBe(0);
    }
  } finally {
    await load?.stop();
  }
}

describeDockerStage({
  stage,
  entry: 'varnish',
  checks: [
    {
      title:
        'When a user registers through the published port, then the token is a JWT (three parts, EdDSA, typ at+jwt) signed by a key the JWKS endpoint publishes, and it signs the user in',
      timeoutMs: 120_000,
      async run() {
        const username = `jwt-${randomBytes(5).toString('hex')}`;
        const { token } = await registerUser(origin, username);
        const parts = token.split('.');
        expect(parts.length, 'dot-separated parts of the token').toBe(3);
        const [header, payload, signature] = parts as [string, string, string];
        const { alg, typ, kid } = decodeSegment<{ alg: string; typ: string; kid: string }>(header);
        expect({ alg, typ }).toEqual({ alg: 'EdDSA', typ: 'at+jwt' });
        const jwks = await fetch(new URL('/api/.well-known/jwks.json', origin), {
          signal: AbortSignal.timeout(10_000),
        });
        expect(jwks.status).toBe(200);
        const { keys } = (await jwks.json()) as { keys: (JsonWebKey & { kid?: string })[] };
        log(`token kid ${kid}; JWKS publishes ${keys.map((key) => key.kid).join(', ')}`);
        const key = keys.find((candidate) => candidate.kid === kid);
        expect(key, `the JWKS key ${kid}`).toBeDefined();
        const signed = verify(
          null,
          Buffer.from(`${header}.${payload}`),
          createPublicKey({ key: key as JsonWebKey, format: 'jwk' }),
          Buffer.from(signature, 'base64url'),
        );
        expect(signed, 'the signature verifies with the published key').toBe(true);
        const user = await fetch(new URL('/api/user', origin), {
          headers: { authorization: `Token ${token}` },
          signal: AbortSignal.timeout(10_000),
        });
        expect(user.status).toBe(200);
        expect(((await user.json()) as { user: { username: string } }).user.username).toBe(username);
      },
    },
    {
      title:
        'When signed-in reads spike through the published port, then the autoscaler starts one more app container through the Engine API (compose labels, same CPU quota) that nginx routes to, and removes one when the load calms, with no failed request',
      timeoutMs: 300_000,
      run: checkScaling,
    },
  ],
});
