import { stackDown, stackUp } from '@scaling/stack';
import { afterAll, beforeAll } from 'vitest';

/**
 * Boots stage 3 natively from its compose file for the test file, after `prepare` (a check of what the file needs),
 * and stops it afterwards with its volumes: Redis keeps the login counts of a run, which the next file must not
 * inherit.
 */
export function useStage(prepare: () => void = () => {}): { apiUrl: () => string } {
  let apiUrl = '';
  beforeAll(async () => {
    prepare();
    const up = await stackUp(3);
    if (up.apiUrl === null)
      throw new Error('Stage 3 publishes no API: its compose file lost the nginx port.');
    apiUrl = up.apiUrl;
  }, 180_000);
  afterAll(async () => {
    await stackDown(3, { volumes: true });
  }, 60_000);
  return { apiUrl: () => apiUrl };
}
