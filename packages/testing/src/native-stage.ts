import { stackDown, stackUp } from '@scaling/stack';
import { afterAll, beforeAll, inject } from 'vitest';
import { leaveStageRunning, stopSharedStageOtherThan } from './shared-stage.ts';
import { forgetSignInAttempts } from './sign-in-attempts.ts';

export interface NativeStageOptions {
  /** Runs before the boot: a check of what the test file needs, failing with what to install. */
  prepare?: () => void;
  /** Removes the stage's volumes when it stops, so the next test file inherits none of this one's data. */
  volumes?: boolean;
  /** Applies the stage's `docker-compose.<variant>.yml` over its compose file. */
  variant?: string;
  /**
   * Leaves the stage running after the file, for the next file that boots it the same way (stage and variant): one
   * boot serves them all. The first file that boots anything else stops it first, and so does the end of the run.
   * The files must then not depend on each other's data or leave the stage changed.
   */
  shared?: boolean;
  /**
   * Forgets the sign-in attempts the stage's Redis counted before the file runs: a file whose logins and
   * registrations must not be refused for attempts an earlier file sharing the boot made (its login throttle).
   */
  freshSignInLimits?: boolean;
}

/** Boots a stage natively from its compose file for the test file (`pnpm stack up`), and stops it afterwards. */
export function useNativeStage(
  stage: number,
  { prepare, volumes = false, variant, shared = false, freshSignInLimits = false }: NativeStageOptions = {},
): { apiUrl: () => string } {
  let apiUrl = '';
  beforeAll(async () => {
    prepare?.();
    // A stage an earlier file left running holds the same ports, unless it is this very one.
    await stopSharedStageOtherThan(shared ? { stage, variant: variant ?? null } : null);
    const up = await stackUp(stage, variant ? { variant } : {});
    if (up.apiUrl === null) {
      throw new Error(
        `Stage ${stage} publishes no API: its compose file lost the port of its entry point (app or nginx).`,
      );
    }
    apiUrl = up.apiUrl;
    if (shared) leaveStageRunning({ stage, variant: variant ?? null, volumes, runId: inject('testRunId') });
    if (freshSignInLimits) forgetSignInAttempts(stage);
  }, 180_000);
  afterAll(async () => {
    if (!shared) await stackDown(stage, { volumes });
  }, 60_000);
  return { apiUrl: () => apiUrl };
}
