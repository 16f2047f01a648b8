import { type NativeStageOptions, useNativeStage } from '@scaling/testing';

/**
 * Stage 3 booted natively once for the test files that call this (each leaves it as it found it: every replica and
 * Redis running, three replicas), so one boot serves them. Its volumes go when it stops: the stage after it must not
 * inherit this one's login counts.
 */
export function useStage3(options: Pick<NativeStageOptions, 'prepare' | 'freshSignInLimits'> = {}): {
  apiUrl: () => string;
} {
  return useNativeStage(3, { ...options, shared: true, volumes: true });
}
