import { CodedError } from '@scaling/errors';
import type { ReplicaSample } from './policy.ts';

/** The two windows the CPU is averaged over, in seconds (already divided by the time scale). */
export interface UtilizationWindows {
  scaleOutWindowSeconds: number;
  scaleInWindowSeconds: number;
}

/** Where the controller reads the load. A reading that fails throws a `MetricsSourceError`; the loop skips that tick. */
export interface MetricsSource {
  /** Every replica of `service` that the metrics system scrapes now, with its age and CPU use over both windows. */
  replicaSamples(
    service: string,
    windows: UtilizationWindows,
    signal?: AbortSignal,
  ): Promise<ReplicaSample[]>;
  /** Jobs ready and unclaimed across every kind; null when no process reports the queue. */
  jobBacklog(signal?: AbortSignal): Promise<number | null>;
}

export type MetricsSourceErrorCode =
  | 'METRICS_SOURCE_UNREACHABLE'
  | 'METRICS_SOURCE_TIMEOUT'
  | 'METRICS_SOURCE_REJECTED'
  | 'METRICS_SOURCE_BAD_RESPONSE';

export class MetricsSourceError extends CodedError<MetricsSourceErrorCode> {}
