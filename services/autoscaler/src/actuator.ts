import { CodedError } from '@scaling/errors';

/** What changes the number of replicas: the native runner, or the Docker Engine. */
export interface Actuator {
  /** Replicas of `service` running now (a replica its restart policy is bringing back counts). */
  replicas(service: string, signal?: AbortSignal): Promise<number>;
  /**
   * Brings `service` to `replicas`: new ones are ready and in the balancer before this resolves; leaving ones are
   * drained and stopped. Resolves with the replicas running afterwards; throws an `ActuatorError` when it cannot.
   */
  scale(service: string, replicas: number, signal?: AbortSignal): Promise<number>;
}

export type ActuatorErrorCode =
  | 'ACTUATOR_UNREACHABLE'
  | 'ACTUATOR_TIMEOUT'
  | 'ACTUATOR_REFUSED'
  | 'ACTUATOR_NO_TEMPLATE'
  | 'ACTUATOR_REPLICA_UNHEALTHY'
  | 'ACTUATOR_RELOAD_FAILED'
  | 'ACTUATOR_FAILED';

export class ActuatorError extends CodedError<ActuatorErrorCode> {}
