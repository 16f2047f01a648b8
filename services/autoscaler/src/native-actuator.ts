import { loadPlan, type StackStatus, type StageInput, stackScale } from '@scaling/stack';
import { type Actuator, ActuatorError } from './actuator.ts';

export interface NativeActuatorOptions {
  /** The stage folder or number, as `pnpm stack` takes it (a test passes a fixture's StageRef). */
  stage: StageInput;
  /** The runner's progress lines (starting, in rotation, stopping). */
  output: (line: string) => void;
  /** How long a new replica may take to become ready. */
  readyTimeoutMs?: number;
  /** How long to wait for the stage lock, which the `up` that started this process may still hold. */
  lockTimeoutMs?: number;
}

/** Up, or on its way back: a replica its restart policy restarts is still one of the service's. */
const present = (row: StackStatus) =>
  row.state === 'ready' || row.state === 'running' || row.state === 'restarting';

/**
 * Scales through the native runner, which does what `pnpm stack scale` does: new replicas start and become ready,
 * nginx and Prometheus reload to include them; leaving ones leave nginx first and then drain on SIGTERM.
 */
export function createNativeActuator(options: NativeActuatorOptions): Actuator {
  const { stage, output } = options;
  return {
    async replicas(service) {
      // The scale the runner keeps (recorded by `up` and every scale): its supervisors restart what crashes. Planning
      // reads two files; probing the stage's every process at each tick would cost more CPU than the app gets.
      const planned = loadPlan(stage, { output }).services.find((candidate) => candidate.name === service);
      if (!planned) {
        throw new ActuatorError(
          'ACTUATOR_FAILED',
          `The stage has no service "${service}": set AUTOSCALER_SERVICE (or AUTOSCALER_WORKER_SERVICE) to one of its services.`,
        );
      }
      return planned.instances.length;
    },
    async scale(service, replicas) {
      try {
        const rows = await stackScale(
          stage,
          { [service]: replicas },
          {
            output,
            ...(options.readyTimeoutMs === undefined ? {} : { readyTimeoutMs: options.readyTimeoutMs }),
            ...(options.lockTimeoutMs === undefined ? {} : { lockTimeoutMs: options.lockTimeoutMs }),
          },
        );
        return rows.filter((row) => row.service === service && present(row)).length;
      } catch (error) {
        throw new ActuatorError(
          'ACTUATOR_FAILED',
          `The native runner could not scale ${service} to ${replicas}: ${(error as Error).message}`,
          { cause: error },
        );
      }
    },
  };
}
