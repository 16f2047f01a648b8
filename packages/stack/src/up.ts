import { createServer } from 'node:net';
import { relative } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadPlan, outputOf, type StackOptions, type StageInput, saveSettings } from './load.ts';
import { withStageLock } from './lock.ts';
import type { StackPlan } from './plan.ts';
import { describeProbe, probeOnce } from './probes.ts';
import { runToCompletion, startSupervised, stopProcess } from './processes.ts';
import { prepareService } from './setup.ts';
import { isRunning, logFile, prepareStateDir, readRecord, servicePid, tail, writeRecord } from './state.ts';
import { type StackStatus, stackStatus } from './status.ts';
import type { PlannedService } from './types.ts';

export interface UpOptions extends StackOptions {
  /** How long one service may take to become ready. */
  readyTimeoutMs?: number;
}

export interface UpResult {
  apiUrl: string | null;
  services: StackStatus[];
}

/** Starts the stage's services in dependency order, keeping those already running and ready. */
export async function stackUp(stage: StageInput, options: UpOptions = {}): Promise<UpResult> {
  const plan = loadPlan(stage, options);
  return withStageLock(plan.stage.stateDir, () => bringUpAll(plan, options));
}

async function bringUpAll(plan: StackPlan, options: UpOptions): Promise<UpResult> {
  const output = outputOf(options);
  prepareStateDir(plan.stage.stateDir);
  saveSettings(plan.stage.stateDir, { httpPort: plan.httpPort });
  for (const service of plan.services) {
    for (const instance of service.instances) {
      await bringUp(plan, service, instance, output, options.readyTimeoutMs ?? 120_000);
    }
  }
  const publishesApi = plan.services.some((service) =>
    service.ports.some((port) => port.host === plan.httpPort),
  );
  const apiUrl = publishesApi ? `http://127.0.0.1:${plan.httpPort}/api` : null;
  if (apiUrl) output(`API: ${apiUrl}`);
  return { apiUrl, services: await stackStatus(plan.stage, options) };
}

/** Starts one instance unless it already runs, and waits until it is ready (a one-shot: until it exited 0). */
export async function bringUp(
  plan: StackPlan,
  service: PlannedService,
  instance: string,
  output: (line: string) => void,
  timeoutMs: number,
): Promise<void> {
  const { stateDir } = plan.stage;
  const started = Date.now();
  if (service.oneShot) {
    output(`${instance}: running...`);
    const exitCode = await runToCompletion(service, instance, stateDir);
    writeRecord(stateDir, {
      service: service.name,
      instance,
      pid: 0,
      startTime: '',
      argv: service.argv,
      startedAt: new Date(started).toISOString(),
      exitCode,
    });
    if (exitCode !== 0) throw failure(plan, instance, `exited with code ${exitCode}`);
    output(`${instance}: done in ${Date.now() - started} ms`);
    return;
  }
  const record = readRecord(stateDir, instance);
  const startedNow = !isRunning(record);
  if (!startedNow) {
    if (await probeOnce(service.probe)) {
      output(`${instance}: already running (pid ${servicePid(record) ?? record.pid})`);
      return;
    }
    output(`${instance}: running (pid ${servicePid(record) ?? record.pid}), waiting until it is ready...`);
  } else {
    for (const port of service.ports) await assertPortFree(port.host, instance);
    prepareService(service);
    output(`${instance}: starting...`);
    await startSupervised(service, instance, stateDir);
  }
  await waitUntilReady(plan, service, instance, timeoutMs, { failOnFirstExit: startedNow });
  output(`${instance}: ready in ${Date.now() - started} ms`);
}

/**
 * Probes until the instance is ready. With `failOnFirstExit` (a fresh start) the first exit of the service process is
 * a failure, even if its restart policy would start it again: the supervisor is stopped and the log tail reported.
 */
export async function waitUntilReady(
  plan: StackPlan,
  service: PlannedService,
  instance: string,
  timeoutMs: number,
  { failOnFirstExit }: { failOnFirstExit: boolean },
): Promise<void> {
  const { stateDir } = plan.stage;
  const checkAlive = async () => {
    const current = readRecord(stateDir, instance);
    if (isRunning(current) && !(failOnFirstExit && current.lastExit)) return;
    if (isRunning(current)) await stopProcess(stateDir, current, service.stopSignal, service.stopTimeoutMs);
    throw failure(plan, instance, 'exited during start-up');
  };
  const deadline = Date.now() + timeoutMs;
  while (!(await probeOnce(service.probe))) {
    await checkAlive();
    if (Date.now() > deadline) {
      throw failure(plan, instance, `did not ${describeProbe(service.probe)} within ${timeoutMs} ms`);
    }
    await sleep(200);
  }
  // A process with nothing to probe counts as ready once it survives its first moments.
  if (service.probe.type === 'started') {
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
