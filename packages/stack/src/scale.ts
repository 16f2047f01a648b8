import { balancersOf, childrenOf, probePath, waitForNginxReload, waitUntilBalancedTo } from './balancer.ts';
import {
  type LoadedPlan,
  loadPlan,
  outputOf,
  type StackOptions,
  type StageInput,
  saveSettings,
} from './load.ts';
import { withStageLock } from './lock.ts';
import { sendSignal, stopInstance, stopProcess } from './processes.ts';
import { prepareInstance, setupChanged } from './setup.ts';
import { resolveStage, type StageRef } from './stage.ts';
import {
  isRunning,
  logFile,
  prepareStateDir,
  readRecord,
  recordedInstances,
  removeRecord,
  servicePid,
} from './state.ts';
import { instanceStatus, type StackStatus } from './status.ts';
import type { PlannedInstance, PlannedService } from './types.ts';
import { bringUp, sayIfLimitsUnenforced } from './up.ts';

export interface ScaleOptions extends Omit<StackOptions, 'scale'> {
  /** How long a new replica may take to become ready. */
  readyTimeoutMs?: number;
  /** How long to wait for another run (the `up` that started the autoscaler) to release the stage; 120 s by default. */
  lockTimeoutMs?: number;
}

interface Change {
  service: PlannedService;
  joining: PlannedInstance[];
  /** Running instances the new plan no longer has (scaled away, or `app` renamed `app.1`), with their ports. */
  leaving: { name: string; ports: number[] }[];
}

/**
 * Changes the replicas of running services without failing a request: new replicas start and become ready, then the
 * balancers (nginx) and Prometheus read their regenerated configuration, and the call returns once nginx routes to
 * every new replica. Leaving replicas are taken out of nginx first, and stopped gracefully (their drain) only once no
 * nginx worker of the old configuration is left. The new scale is recorded as `up --scale` records it.
 */
export async function stackScale(
  stage: StageInput,
  scale: Record<string, number>,
  options: ScaleOptions = {},
): Promise<StackStatus[]> {
  const output = outputOf(options);
  const ref = typeof stage === 'object' ? stage : resolveStage(stage);
  for (const [name, replicas] of Object.entries(scale)) {
    if (!Number.isInteger(replicas) || replicas < 0) {
      throw new Error(`Cannot scale "${name}" to ${replicas} replicas: use a whole number, 0 or more.`);
    }
  }
  // Planned under the lock: the run waited for may have changed the recorded settings.
  return withStageLock(ref.stateDir, () => scaleLocked(ref, scale, options), {
    waitMs: options.lockTimeoutMs ?? 120_000,
    output,
  });
}

async function scaleLocked(
  ref: StageRef,
  scale: Record<string, number>,
  options: ScaleOptions,
): Promise<StackStatus[]> {
  const output = outputOf(options);
  const started = Date.now();
  const { readyTimeoutMs = 120_000, lockTimeoutMs: _lock, ...settings } = options;
  const current = loadPlan(ref, settings);
  const target = loadPlan(ref, { ...settings, scale: { ...current.settings.scale, ...scale } });
  assertRunning(target);
  prepareStateDir(target.stage);
  sayIfLimitsUnenforced(target, output);
  const changes = Object.keys(scale).map((name) => changeOf(current, target, name));
  for (const { service } of changes) assertBalancedKeepsOne(current, service);
  for (const { service, joining, leaving } of changes) {
    const running = runningInstances(target, service.name).length;
    output(
      `${service.name}: scaling from ${running} to ${service.instances.length} replica(s)${describe(joining, leaving)}`,
    );
  }
  await startJoining(target, changes, output, readyTimeoutMs);
  await reloadChanged(target, output);
  // From here the new plan is what runs and what nginx routes to: later commands must plan with it.
  saveSettings(target.stage.stateDir, target.settings);
  for (const instance of changes.flatMap((change) => change.joining)) {
    if (isUp(target, instance)) await waitUntilRouted(target, instance, output);
  }
  await stopLeaving(target, changes, output);
  const deferred = changes.filter((change) => change.joining.some((instance) => !isUp(target, instance)));
  if (deferred.length > 0) {
    await startJoining(target, deferred, output, readyTimeoutMs);
    await reloadChanged(target, output);
  }
  const rows: StackStatus[] = [];
  for (const { service } of changes) {
    for (const instance of service.instances) {
      rows.push(await instanceStatus(target.stage.stateDir, service, instance));
    }
    output(`${service.name}: ${service.instances.length} replica(s), in ${Date.now() - started} ms`);
  }
  return rows;
}

function describe(joining: PlannedInstance[], leaving: Change['leaving']): string {
  const parts = [
    ...(joining.length > 0 ? [`starting ${joining.map((instance) => instance.name).join(', ')}`] : []),
    ...(leaving.length > 0 ? [`stopping ${leaving.map((instance) => instance.name).join(', ')}`] : []),
  ];
  return parts.length > 0 ? ` (${parts.join('; ')})...` : ': nothing to do';
}

function assertRunning(plan: LoadedPlan): void {
  const { stateDir, name } = plan.stage;
  if (!recordedInstances(stateDir).some((instance) => isRunning(readRecord(stateDir, instance)))) {
    throw new Error(
      `Stage ${name} is not running, so there is nothing to scale: start it with "pnpm stack up ${name} --scale <service>=<replicas>".`,
    );
  }
}

/** nginx refuses an upstream without servers, so a service behind a running nginx keeps at least one replica. */
function assertBalancedKeepsOne(current: LoadedPlan, service: PlannedService): void {
  const before = current.services.find((candidate) => candidate.name === service.name)?.instances[0];
  if (service.instances.length === 0 && before && balancersOf(current, before).length > 0) {
    throw new Error(
      `"${service.name}" is behind nginx, which needs at least one server in its upstream: scale it to 1 or more.`,
    );
  }
}

function runningInstances(plan: LoadedPlan, service: string): string[] {
  const { stateDir } = plan.stage;
  return recordedInstances(plan.stage.stateDir).filter((instance) => {
    const record = readRecord(stateDir, instance);
    return record?.service === service && isRunning(record);
  });
}

function changeOf(current: LoadedPlan, target: LoadedPlan, name: string): Change {
  const service = target.services.find((candidate) => candidate.name === name) as PlannedService;
  if (service.oneShot) {
    throw new Error(`"${name}" runs to completion once (a one-shot), so it has no replicas to scale.`);
  }
  const running = runningInstances(target, name);
  const planned = new Set(service.instances.map((instance) => instance.name));
  const before = current.services.find((candidate) => candidate.name === name)?.instances ?? [];
  return {
    service,
    joining: service.instances.filter((instance) => !running.includes(instance.name)),
    leaving: running
      .filter((instance) => !planned.has(instance))
      .map((instance) => ({
        name: instance,
        ports: before.find((old) => old.name === instance)?.ports.map((port) => port.host) ?? [],
      })),
  };
}

const isUp = (plan: LoadedPlan, instance: PlannedInstance) =>
  isRunning(readRecord(plan.stage.stateDir, instance.name));

/** Starts the joining replicas together and waits until each is ready; if one fails, the ones started are stopped. */
async function startJoining(
  plan: LoadedPlan,
  changes: Change[],
  output: (line: string) => void,
  timeoutMs: number,
): Promise<void> {
  const starting = changes.flatMap((change) => {
    // A replica renamed (app -> app.1) takes the ports of the one it replaces, once that one has stopped.
    const held = new Set(
      change.leaving
        .filter((instance) => isRunning(readRecord(plan.stage.stateDir, instance.name)))
        .flatMap((instance) => instance.ports),
    );
    return change.joining
      .filter((instance) => !isUp(plan, instance))
      .filter((instance) => !instance.ports.some((port) => held.has(port.host)))
      .map((instance) => ({ service: change.service, instance }));
  });
  const results = await Promise.allSettled(
    starting.map(({ service, instance }) => bringUp(plan, service, instance, output, timeoutMs)),
  );
  const failed = results.find((result) => result.status === 'rejected');
  if (!failed) return;
  for (const { service, instance } of starting) {
    const record = readRecord(plan.stage.stateDir, instance.name);
    if (isRunning(record))
      await stopProcess(plan.stage.stateDir, record, service.stopSignal, service.stopTimeoutMs);
    removeRecord(plan.stage.stateDir, instance.name);
  }
  throw (failed as PromiseRejectedResult).reason;
}

/**
 * Every running server whose generated configuration the new plan changes reads it (nginx's upstream, Prometheus'
 * targets); nginx is waited for until its old workers are gone.
 */
async function reloadChanged(plan: LoadedPlan, output: (line: string) => void): Promise<void> {
  const { stateDir } = plan.stage;
  const reloads = plan.services.flatMap((service) =>
    service.instances
      .filter((instance) => setupChanged(instance))
      .map((instance) => ({ service, instance, pid: servicePid(readRecord(stateDir, instance.name)) }))
      .filter((reload) => reload.pid !== null),
  );
  await Promise.all(
    reloads.map(async ({ service, instance, pid }) => {
      const master = pid as number;
      await prepareInstance(stateDir, service, instance);
      if (!service.reloadSignal) {
        output(
          `${instance.name}: configuration changed; run "pnpm stack restart ${plan.stage.name} ${instance.name}" to apply it`,
        );
        return;
      }
      const before = service.kind === 'nginx' ? childrenOf(master) : [];
      sendSignal(master, service.reloadSignal);
      const busy =
        service.kind === 'nginx'
          ? await waitForNginxReload(master, before, { log: logFile(stateDir, instance.name) })
          : [];
      output(`${instance.name}: configuration changed, reloaded (${service.reloadSignal})`);
      if (busy.length > 0) {
        // A leaving replica's graceful stop still answers what those workers sent it.
        output(
          `${instance.name}: ${busy.length} worker(s) of the old configuration still have requests in flight; going on`,
        );
      }
    }),
  );
}

async function waitUntilRouted(
  plan: LoadedPlan,
  instance: PlannedInstance,
  output: (line: string) => void,
): Promise<void> {
  for (const origin of balancersOf(plan, instance)) {
    const started = Date.now();
    await waitUntilBalancedTo(origin, instance.name, { path: probePath(instance) });
    output(`${instance.name}: in rotation at ${origin} after ${Date.now() - started} ms`);
  }
}

/** Stops the leaving replicas together, each gracefully (its stop signal, SIGKILL after its grace period). */
async function stopLeaving(
  plan: LoadedPlan,
  changes: Change[],
  output: (line: string) => void,
): Promise<void> {
  const { stateDir } = plan.stage;
  await Promise.all(
    changes.flatMap(({ service, leaving }) =>
      leaving.map(({ name }) =>
        stopInstance(stateDir, name, service.stopSignal, service.stopTimeoutMs, output),
      ),
    ),
  );
}
