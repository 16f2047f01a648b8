import { afterAll, beforeAll } from 'vitest';
import { type StackStatus, type StageRef, stackDown, stackUp } from '../../src/index.ts';

/**
 * Brings the fixture stage up before the enclosing `describe`'s tests and down after them, volumes and state dir
 * included; returns what `stackUp` reported once the tests run.
 */
export function fixtureStackDuringTests(
  stage: StageRef & { remove(): void },
  readyTimeoutMs = 30_000,
): () => StackStatus[] {
  const quiet = { output: () => {} };
  let services: StackStatus[] = [];
  beforeAll(async () => {
    services = (await stackUp(stage, { ...quiet, readyTimeoutMs })).services;
  }, 90_000);
  afterAll(async () => {
    await stackDown(stage, { ...quiet, volumes: true });
    stage.remove();
  }, 60_000);
  return () => services;
}
