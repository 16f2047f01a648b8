import { constants } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { balancersOf, probePath, waitUntilBalancedTo } from './balancer.ts';
import { loadPlan, outputOf, type StackOptions, type StageInput } from './load.ts';
import { withStageLock } from './lock.ts';
import type { StackPlan } from './plan.ts';
import { sendSignal, stopInstance, stopProcess } from './processes.ts';
import { isRunning, prepareStateDir, readRecord, removeRecord, servicePid } from './state.ts';
import { instanceStatus, type StackStatus } from './status.ts';
import type { PlannedInstance, PlannedService } from './types.ts';
import { bringUp, waitUntilReady } from './up.ts';

export interface ServiceControlOptions extends StackOptions {
  /** How long a started or restarted instance may take to become ready. */
  readyTimeoutMs?: number;
}

export interface RestartOptions extends ServiceControlOptions {
  /** Called once a restarted instance is ready, before waiting for the balancers to route to it again. */
  onReady?: (instance: string) => void;
}

export interface KillOptions extends StackOptions {
  /** `KILL`, `SIGKILL` or a number; SIGKILL by default, as `docker kill`. */
  signal?: string | number;
}

interface Target {
  service: PlannedService;
  instance: PlannedInstance;
}

/** `app` means every instance of the service, `app.2` one replica. */
function targetsOf(plan: StackPlan, target: string): Target[] {
  for (const service of plan.services) {
    if (service.name === target) return service.instances.map((instance) => ({ service, instance }));
    const instance = service.instances.find((candidate) => candidate.name === target);
    if (instance) return [{ service, instance }];
  }
  const names = plan.services.flatMap((service) =>
    service.instances.length > 1
      ? [service.name, ...service.instances.map((instance) => instance.name)]
      : [service.name],
  );
  throw new Error(`Stage ${plan.stage.name} has no service "${target}": choose one of ${names.join(', ')}.`);
}

export function parseSignal(value: string | number): NodeJS.Signals {
  const signals = constants.signals as Record<string, number>;
  const name =
    typeof value === 'number' || /^\d+$/.test(value)
      ? Object.keys(signals).find((candidate) => signals[candidate] === Number(value))
      : value.toUpperCase().startsWith('SIG')
        ? value.toUpperCase()
        : `SIG${value.toUpperCase()}`;
  if (name === undefined || signals[name] === undefined) {
    throw new Error(`"${value}" is not a signal: use a name such as KILL or TERM, or its number.`);
  }
  return name as NodeJS.Signals;
}

/** The state, service pid and restart count of one instance (a service name works when it has one instance). */
export async function stackServiceStatus(
  stage: StageInput,
  instance: string,
  options: StackOptions = {},
): Promise<StackStatus> {
  const plan = loadPlan(stage, options);
  const targets = targetsOf(plan, instance);
  if (targets.length !== 1) {
    throw new Error(
      `"${instance}" has ${targets.length} replicas: name one, e.g. ${targets[0]?.instance.name ?? `${instance}.1`}.`,
    );
  }
  const [{ service, instance: planned }] = targets as [Target];
  return instanceStatus(plan.stage.stateDir, service, planned);
}

/**
 * Signals the service process itself, not its supervisor, so the restart policy applies: SIGKILL is a crash or an
 * OOM kill. Returns at once; `stackServiceStatus` shows the restart and `stackWaitReady` waits for it.
 */
export async function stackKill(
  stage: StageInput,
  target: string,
  options: KillOptions = {},
): Promise<{ instance: string; pid: number; signal: NodeJS.Signals }[]> {
  const plan = loadPlan(stage, options);
  const output = outputOf(options);
  const signal = parseSignal(options.signal ?? 'SIGKILL');
  const killed: { instance: string; pid: number; signal: NodeJS.Signals }[] = [];
  for (const { instance: planned } of targetsOf(plan, target)) {
    const instance = planned.name;
    const pid = servicePid(readRecord(plan.stage.stateDir, instance));
    if (pid === null) {
      throw new Error(
        `${instance} is not running, so there is nothing to kill: start it with "pnpm stack start ${plan.stage.name} ${instance}".`,
      );
    }
    sendSignal(pid, signal);
    output(`${instance}: sent ${signal} to pid ${pid}`);
    killed.push({ instance, pid, signal });
  }
  return killed;
}

/**
 * Applies `change` to each targeted instance in turn under the stage lock (`reverse` for stopping, dependents
 * first), then reports the instances' statuses.
 */
async function changeEach(
  stage: StageInput,
  target: string,
  options: StackOptions,
  change: (plan: StackPlan, target: Target, output: (line: string) => void) => Promise<void>,
  { reverse = false } = {},
): Promise<StackStatus[]> {
  const plan = loadPlan(stage, options);
  const output = outputOf(options);
  const { stateDir } = plan.stage;
  return withStageLock(stateDir, async () => {
    prepareStateDir(plan.stage);
    const targets = targetsOf(plan, target);
    const rows: StackStatus[] = [];
    for (const each of reverse ? targets.reverse() : targets) {
      await change(plan, each, output);
      rows.push(await instanceStatus(stateDir, each.service, each.instance));
    }
    return rows;
  });
}

/** Stops instances gracefully (stop signal, SIGKILL after the grace period); the restart policy does not bring them back. */
export async function stackStopService(
  stage: StageInput,
  target: string,
  options: StackOptions = {},
): Promise<void> {
  await changeEach(
    stage,
    target,
    options,
    (plan, { service, instance: { name } }, output) =>
      stopInstance(plan.stage.stateDir, name, service.stopSignal, service.stopTimeoutMs, output),
    { reverse: true },
  );
}

/** Starts instances that are not running (their dependencies must be up) and waits until they are ready. */
export async function stackStartService(
  stage: StageInput,
  target: string,
  options: ServiceControlOptions = {},
): Promise<StackStatus[]> {
  return changeEach(stage, target, options, (plan, { service, instance }, output) =>
    bringUp(plan, service, instance, output, options.readyTimeoutMs ?? 120_000),
  );
}

/**
 * Restarts instances one after the other: a graceful stop and a start of the same configuration (as `docker compose
 * restart`), then waits until each is ready and every running nginx balancing over it routes to it again, so a
 * rolling restart never takes the next replica out while the last one is still out of rotation. A running instance
 * keeps its supervisor and restart count.
 */
export async function stackRestart(
  stage: StageInput,
  target: string,
  options: RestartOptions = {},
): Promise<StackStatus[]> {
  const timeoutMs = options.readyTimeoutMs ?? 120_000;
  return changeEach(stage, target, options, async (plan, { service, instance }, output) => {
    const { stateDir } = plan.stage;
    const { name } = instance;
    const record = readRecord(stateDir, name);
    const started = Date.now();
    if (isRunning(record) && record.child !== undefined) {
      const before = servicePid(record);
      output(`${name}: restarting (pid ${before ?? '-'})...`);
      sendSignal(record.pid, 'SIGHUP');
      await waitForNewProcess(plan, name, before, service.stopTimeoutMs + timeoutMs);
      await waitUntilReady(plan, service, instance, timeoutMs, { failOnFirstExit: false });
      const after = servicePid(readRecord(stateDir, name));
      output(`${name}: restarted (pid ${after ?? '-'}), ready in ${Date.now() - started} ms`);
    } else {
      if (isRunning(record)) await stopProcess(stateDir, record, service.stopSignal, service.stopTimeoutMs);
      removeRecord(stateDir, name);
      await bringUp(plan, service, instance, output, timeoutMs);
    }
    options.onReady?.(name);
    for (const origin of balancersOf(plan, instance)) {
      const ready = Date.now();
      await waitUntilBalancedTo(origin, name, { path: probePath(instance) });
      output(`${name}: back in rotation at ${origin} after ${Date.now() - ready} ms`);
    }
  });
}

/** Waits until instances are ready again, e.g. after `stackKill` while the restart policy brings them back. */
export async function stackWaitReady(
  stage: StageInput,
  target: string,
  options: ServiceControlOptions = {},
): Promise<void> {
  const plan = loadPlan(stage, options);
  for (const { service, instance } of targetsOf(plan, target)) {
    await waitUntilReady(plan, service, instance, options.readyTimeoutMs ?? 120_000, {
      failOnFirstExit: false,
    });
  }
}

async function waitForNewProcess(
  plan: StackPlan,
  instance: string,
  previousPid: number | null,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const logs = `"pnpm stack logs ${plan.stage.name} ${instance}"`;
  for (;;) {
    const record = readRecord(plan.stage.stateDir, instance);
    const pid = servicePid(record);
    if (pid !== null && pid !== previousPid) return;
    if (!isRunning(record)) throw new Error(`${instance} stopped instead of restarting: read ${logs}.`);
    if (Date.now() > deadline) {
      throw new Error(`${instance} did not start again within ${timeoutMs} ms: read ${logs}.`);
    }
    await sleep(50);
  }
}
