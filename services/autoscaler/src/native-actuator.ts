import { type StackStatus, stackScale, stackStatus } from '@scaling/stack';
import { type Actuator, ActuatorError } from './actuator.ts';

export interface NativeActuatorOptions {
  /** The stage folder or number, as `pnpm stack` takes it. */
  stage: string;
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
      const rows = await stackStatus(stage, { output });
      return rows.filter((row) => row.service === service && present(row)).length;
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
          `The native runner could not scale ${service} of stage ${stage} to ${replicas}: ${(error as Error).message}`,
          { cause: error },
        );
      }
    },
  };
}
