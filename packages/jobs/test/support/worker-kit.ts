import type { ClaimedJob, JobLogger } from '../../src/index.ts';
import { uniqueName } from './factories.ts';

/** Jobs of a kind no other test uses, so a test's worker claims only the jobs that test enqueued. */
export type TestPayloads = Record<string, { label: string }>;

export function uniqueKind(): string {
  return uniqueName('test-kind');
}

export const silentLogger: JobLogger = { info() {}, warn() {}, error() {} };

export function claimedJob(overrides: Partial<ClaimedJob> = {}): ClaimedJob {
  return { id: 0, kind: uniqueKind(), payload: {}, attempts: 1, maxAttempts: 5, ...overrides };
}

export async function waitFor(
  condition: () => Promise<boolean>,
  what: string,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}.`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = () => {};
  const promise = new Promise<void>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}
