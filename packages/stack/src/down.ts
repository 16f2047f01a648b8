import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { removeEmptyStageCgroups } from './cgroups.ts';
import { clearSettings, loadPlan, outputOf, type StackOptions, type StageInput } from './load.ts';
import { withStageLock } from './lock.ts';
import type { StackPlan } from './plan.ts';
import { stopInstance } from './processes.ts';
import { recordedInstances } from './state.ts';

export interface DownOptions extends StackOptions {
  /** Also delete the data directories (the compose named volumes). */
  volumes?: boolean;
  /** How long to wait for a run holding the stage (stage 5's autoscaler in the middle of a scale); 120 s by default. */
  lockTimeoutMs?: number;
}

/** Stops the stage's processes in reverse dependency order; data stays unless `volumes` is set. */
export async function stackDown(stage: StageInput, options: DownOptions = {}): Promise<void> {
  const plan = loadPlan(stage, options);
  await withStageLock(plan.stage.stateDir, () => stopAll(plan, options), {
    waitMs: options.lockTimeoutMs ?? 120_000,
    output: outputOf(options),
  });
}

async function stopAll(plan: StackPlan, options: DownOptions): Promise<void> {
  const output = outputOf(options);
  const { stateDir } = plan.stage;
  const planned = plan.services.flatMap((service) =>
    service.instances.map((instance) => ({ instance: instance.name, service })),
  );
  const stops = planned.reverse().map(({ instance, service }) => ({
    instance,
    signal: service.stopSignal,
    timeoutMs: service.stopTimeoutMs,
  }));
  // Processes of services since removed from the compose file are stopped too.
  for (const instance of recordedInstances(stateDir)) {
    if (!stops.some((stop) => stop.instance === instance)) {
      stops.unshift({ instance, signal: 'SIGTERM', timeoutMs: 10_000 });
    }
  }
  for (const stop of stops) {
    await stopInstance(stateDir, stop.instance, stop.signal, stop.timeoutMs, output);
  }
  clearSettings(stateDir);
  removeEmptyStageCgroups(plan.stage.name);
  if (options.volumes) {
    rmSync(join(stateDir, 'volumes'), { recursive: true, force: true });
    output('volumes: removed');
  }
}
