import { stackDown, stackUp } from '@scaling/stack';
import { afterAll, beforeAll } from 'vitest';

export interface NativeStageOptions {
  /** Runs before the boot: a check of what the test file needs, failing with what to install. */
  prepare?: () => void;
  /** Removes the stage's volumes when it stops, so the next test file inherits none of this one's data. */
  volumes?: boolean;
}

/** Boots a stage natively from its compose file for the test file (`pnpm stack up`), and stops it afterwards. */
export function useNativeStage(
  stage: number,
  { prepare, volumes = false }: NativeStageOptions = {},
): { apiUrl: () => string } {
  let apiUrl = '';
  beforeAll(async () => {
    prepare?.();
    const up = await stackUp(stage);
    if (up.apiUrl === null) {
      throw new Error(
        `Stage ${stage} publishes no API: its compose file lost the port of its entry point (app or nginx).`,
      );
    }
    apiUrl = up.apiUrl;
  }, 180_000);
  afterAll(async () => {
    await stackDown(stage, { volumes });
  }, 60_000);
  return { apiUrl: () => apiUrl };
}
