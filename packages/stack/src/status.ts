import { enforcedLimits } from './cgroups.ts';
import { loadPlan, type StackOptions, type StageInput } from './load.ts';
import { probeOnce } from './probes.ts';
import type { ResourceLimits } from './resources.ts';
import { isRunning, readRecord, servicePid } from './state.ts';
import type { PlannedInstance, PlannedService } from './types.ts';

export interface StackStatus {
  service: string;
  instance: string;
  kind: string;
  /** The service process itself (what `stack kill` signals), null while it is not running. */
  pid: number | null;
  /** The supervisor that restarts it per its restart policy. */
  supervisorPid: number | null;
  /**
   * `ready` passed its readiness probe, `running` is up but not (yet) ready, `restarting` waits for its restart
   * policy's next start, `exited` gave up (a one-shot that finished, or a service its policy does not restart).
   */
  state: 'ready' | 'running' | 'restarting' | 'stopped' | 'exited';
  exitCode: number | null;
  /** How many times the restart policy started the service again since `up` (or `start`) started it. */
  restarts: number;
  ports: number[];
  /** The CPU quota and memory limit the kernel enforces on the service process (its cgroup), null when none does. */
  limits: ResourceLimits | null;
}

/** One row per planned process. */
export async function stackStatus(stage: StageInput, options: StackOptions = {}): Promise<StackStatus[]> {
  const plan = loadPlan(stage, options);
  const rows: StackStatus[] = [];
  for (const service of plan.services) {
    for (const instance of service.instances) {
      rows.push(await instanceStatus(plan.stage.stateDir, service, instance));
    }
  }
  return rows;
}

export async function instanceStatus(
  stateDir: string,
  service: PlannedService,
  instance: PlannedInstance,
): Promise<StackStatus> {
  const record = readRecord(stateDir, instance.name);
  const running = isRunning(record);
  const pid = servicePid(record);
  const exitCode = record?.exitCode ?? null;
  const state = (): Promise<StackStatus['state']> | StackStatus['state'] => {
    if (!running) return exitCode !== null ? 'exited' : 'stopped';
    if (pid === null) return 'restarting';
    return probeOnce(instance.probe).then((ready) => (ready ? 'ready' : 'running'));
  };
  return {
    service: service.name,
    instance: instance.name,
    kind: service.kind,
    pid,
    supervisorPid: running && record.child !== undefined ? record.pid : null,
    state: await state(),
    exitCode,
    restarts: record?.restarts ?? 0,
    ports: instance.ports.map((port) => port.host),
    limits: pid === null ? null : enforcedLimits(pid),
  };
}
