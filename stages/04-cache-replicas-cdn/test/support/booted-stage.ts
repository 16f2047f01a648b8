import { type NativeStageOptions, useNativeStage } from '@scaling/testing';

/**
 * Stage 4 booted natively once for its test files (each leaves it as it found it: every replica, database and cache
 * running, the edge's latency in place), so one boot serves them. Its volumes go when it stops: the stage after it
 * must not inherit the sessions' Redis and its login counts.
 */
export function useStage4(options: Pick<NativeStageOptions, 'prepare' | 'freshSignInLimits'> = {}): {
  apiUrl: () => string;
} {
  return useNativeStage(4, { ...options, shared: true, volumes: true });
}
