import { createServer } from 'node:net';
import { relative } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { cgroupSupport, unenforcedLimitsNote } from './cgroups.ts';
import {
  type LoadedPlan,
  loadPlan,
  outputOf,
  type StackOptions,
  type StageInput,
  saveSettings,
} from './load.ts';
import { withStageLock } from './lock.ts';
import type { StackPlan } from './plan.ts';
import { describeProbe, probeOnce } from './probes.ts';
import { runToCompletion, sendSignal, startSupervised, stopProcess } from './processes.ts';
import { activeProfiles, isActive } from './profiles.ts';
import { prepareInstance, setupChanged } from './setup.ts';
import { holdsStandby } from './standby.ts';
import {
  isRunning,
  logFile,
  prepareStateDir,
  readRecord,
  recordedInstances,
  removeRecord,
  servicePid,
  tail,
  writeRecord,
} from './state.ts';
import { type StackStatus, stackStatus } from './status.ts';
import type { PlannedInstance, PlannedService } from './types.ts';

export interface UpOptions extends StackOptions {
  /** How long one service may take to become ready. */
  readyTimeoutMs?: number;
  /** Compose profiles to start beside COMPOSE_PROFILES' (services without profiles always start). */
  profiles?: string[];
}

export interface UpResult {
  apiUrl: string | null;
  /** Prometheus' UI, when the stage runs one. */
  prometheusUrl: string | null;
  services: StackStatus[];
}

/** Starts the stage's services in dependency order, keeping those already running and ready. */
export async function stackUp(stage: StageInput, options: UpOptions = {}): Promise<UpResult> {
  const plan = loadPlan(stage, options);
  return withStageLock(plan.stage.stateDir, () => bringUpAll(plan, options));
}

async function bringUpAll(plan: LoadedPlan, options: UpOptions): Promise<UpResult> {
  const output = outputOf(options);
  prepareStateDir(plan.stage);
  saveSettings(plan.stage.stateDir, plan.settings);
  await stopOrphans(plan, output);
  sayIfLimitsUnenforced(plan, output);
  const profiles = activeProfiles(options.profiles);
  for (const service of plan.services) {
    if (!isActive(service, profiles)) {
      output(
        `${service.name}: not started, profile ${service.profiles.join(' or ')} (COMPOSE_PROFILES=${service.profiles[0]} or "pnpm stack start ${plan.stage.name} ${service.name}" starts it)`,
      );
      continue;
    }
    for (const instance of service.instances) {
      await bringUp(plan, service, instance, output, options.readyTimeoutMs ?? 120_000);
    }
  }
  const publishesApi = plan.services.some((service) =>
    service.ports.some((port) => port.host === plan.httpPort),
  );
  const apiUrl = publishesApi ? `http://127.0.0.1:${plan.httpPort}/api` : null;
  if (apiUrl) output(`API: ${apiUrl}`);
  const prometheusPort = plan.services.find((service) => service.kind === 'prometheus')?.instances[0]
    ?.ports[0];
  const prometheusUrl = prometheusPort ? `http://127.0.0.1:${prometheusPort.host}` : null;
  if (prometheusUrl) output(`Prometheus: ${prometheusUrl} (targets: ${prometheusUrl}/targets)`);
  return { apiUrl, prometheusUrl, services: await stackStatus(plan.stage, options) };
}

/** Once per run: a stage that asks for CPU or memory limits the machine cannot enforce runs without them. */
export function sayIfLimitsUnenforced(plan: StackPlan, output: (line: string) => void): void {
  const support = cgroupSupport();
  if (support.version === null && plan.services.some((service) => service.limits)) {
    output(unenforcedLimitsNote(support.reason));
  }
}

/** Instances the plan no longer has (scaled down, or renamed from `app` to `app.1` by a scale-up) would hold ports. */
async function stopOrphans(plan: StackPlan, output: (line: string) => void): Promise<void> {
  const { stateDir } = plan.stage;
  const planned = new Set(
    plan.services.flatMap((service) => service.instances.map((instance) => instance.name)),
  );
  for (const name of recordedInstances(stateDir).filter((recorded) => !planned.has(recorded))) {
    const record = readRecord(stateDir, name);
    if (isRunning(record)) {
      output(`${name}: stopping (no longer in the plan)...`);
      await stopProcess(stateDir, record, 'SIGTERM', 10_000);
    }
    removeRecord(stateDir, name);
  }
}

/** Starts one instance unless it already runs, and waits until it is ready (a one-shot: until it exited 0). */
export async function bringUp(
  plan: StackPlan,
  service: PlannedService,
  instance: PlannedInstance,
  output: (line: string) => void,
  timeoutMs: number,
): Promise<void> {
  const { stateDir } = plan.stage;
  const { name } = instance;
  const started = Date.now();
  if (service.oneShot) {
    output(`${name}: running...`);
    const exitCode = await runToCompletion(plan.stage, service, instance);
    writeRecord(stateDir, {
      service: service.name,
      instance: name,
      pid: 0,
      startTime: '',
      argv: instance.argv,
      startedAt: new Date(started).toISOString(),
      exitCode,
    });
    if (exitCode !== 0) throw failure(plan, name, `exited with code ${exitCode}`);
    output(`${name}: done in ${Date.now() - started} ms`);
    return;
  }
  const record = readRecord(stateDir, name);
  const startedNow = !isRunning(record);
  if (!startedNow) {
    if (setupChanged(instance)) await reconfigure(plan, service, instance, output);
    if (await probeOnce(instance.probe)) {
      output(`${name}: already running (pid ${servicePid(record) ?? record.pid})`);
      return;
    }
    output(`${name}: running (pid ${servicePid(record) ?? record.pid}), waiting until it is ready...`);
  } else {
    for (const port of instance.ports) await assertPortFree(port.host, name);
    if (service.standby && !holdsStandby(service.standby.dataDir)) {
      const { host, port } = service.standby.primary;
      output(`${name}: copying its primary at ${host}:${port} (pg_basebackup)...`);
    }
    await prepareInstance(stateDir, service, instance);
    output(`${name}: starting...`);
    await startSupervised(plan.stage, service, instance);
  }
  await waitUntilReady(plan, service, instance, timeoutMs, { failOnFirstExit: startedNow });
  output(`${name}: ready in ${Date.now() - started} ms`);
}

/** A running server whose generated configuration changed (e.g. the replicas behind nginx) reads the new one. */
async function reconfigure(
  plan: StackPlan,
  service: PlannedService,
  instance: PlannedInstance,
  output: (line: string) => void,
): Promise<void> {
  const pid = servicePid(readRecord(plan.stage.stateDir, instance.name));
  await prepareInstance(plan.stage.stateDir, service, instance);
  if (pid !== null && service.reloadSignal) {
    sendSignal(pid, service.reloadSignal);
    output(`${instance.name}: configuration changed, reloaded (${service.reloadSignal})`);
  } else {
    output(
      `${instance.name}: configuration changed; run "pnpm stack restart ${plan.stage.name} ${instance.name}" to apply it`,
    );
  }
}

/**
 * Probes until the instance is ready. With `failOnFirstExit` (a fresh start) the first exit of the service process is
 * a failure, even if its restart policy would start it again: the supervisor is stopped and the log tail reported.
 */
export async function waitUntilReady(
  plan: StackPlan,
  service: PlannedService,
  instance: PlannedInstance,
  timeoutMs: number,
  { failOnFirstExit }: { failOnFirstExit: boolean },
): Promise<void> {
  const { stateDir } = plan.stage;
  const { name, probe } = instance;
  const checkAlive = async () => {
    const current = readRecord(stateDir, name);
    if (isRunning(current) && !(failOnFirstExit && current.lastExit)) return;
    if (isRunning(current)) await stopProcess(stateDir, current, service.stopSignal, service.stopTimeoutMs);
    throw failure(plan, name, 'exited during start-up');
  };
  const deadline = Date.now() + timeoutMs;
  while (!(await probeOnce(probe))) {
    await checkAlive();
    if (Date.now() > deadline) {
      throw failure(plan, name, `did not ${describeProbe(probe)} within ${timeoutMs} ms`);
    }
    await sleep(200);
  }
  // A process with nothing to probe counts as ready once it survives its first moments.
  if (probe.type === 'started') {
    await sleep(500);
    await checkAlive();
  }
}

function failure(plan: StackPlan, instance: string, what: string): Error {
  const log = logFile(plan.stage.stateDir, instance);
  const shownLog = relative(process.cwd(), log) || log;
  return new Error(
    [
      `${instance} ${what}. The end of its log (${shownLog}):`,
      tail(log),
      '',
      `Fix the cause, then run "pnpm stack up ${plan.stage.name}" again (services already running are kept),`,
      `or stop everything with "pnpm stack down ${plan.stage.name}".`,
    ].join('\n'),
  );
}

/** A port held by something else would make the service fail later with a less helpful message. */
async function assertPortFree(port: number, instance: string): Promise<void> {
  const free = await new Promise<boolean>((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => resolve(true)));
  });
  if (!free) {
    throw new Error(
      `${instance} needs port ${port}, but another process (not started by this stack) holds it: stop that process${port === 8080 ? ', or move the API with STACK_HTTP_PORT=<port>' : ''}.`,
    );
  }
}
