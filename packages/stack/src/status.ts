import { loadPlan, type StackOptions, type StageInput } from './load.ts';
import { probeOnce } from './probes.ts';
import { isRunning, readRecord } from './state.ts';

export interface StackStatus {
  service: string;
  instance: string;
  kind: string;
  pid: number | null;
  state: 'ready' | 'running' | 'stopped' | 'exited';
  exitCode: number | null;
  ports: number[];
}

/** One row per planned process: `ready` passed its readiness probe, `running` is up but not (yet) ready. */
export async function stackStatus(stage: StageInput, options: StackOptions = {}): Promise<StackStatus[]> {
  const plan = loadPlan(stage, options);
  const rows: StackStatus[] = [];
  for (const service of plan.services) {
    for (const instance of service.instances) {
      const record = readRecord(plan.stage.stateDir, instance);
      const running = isRunning(record);
      const exited = record?.exitCode !== undefined;
      rows.push({
        service: service.name,
        instance,
        kind: service.kind,
        pid: running ? record.pid : null,
        state: running
          ? (await probeOnce(service.probe))
            ? 'ready'
            : 'running'
          : exited
            ? 'exited'
            : 'stopped',
        exitCode: record?.exitCode ?? null,
        ports: service.ports.map((port) => port.host),
      });
    }
  }
  return rows;
}
