import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { processStat } from './state.ts';

export interface LockWait {
  /** How long to wait for another run to finish; 0 (the default) fails at once. */
  waitMs?: number;
  output?: (line: string) => void;
}

/** Serializes the runs that change a stage: two starting the same processes at once would fight over ports and pids. */
export async function withStageLock<T>(
  stateDir: string,
  action: () => Promise<T>,
  { waitMs = 0, output }: LockWait = {},
): Promise<T> {
  mkdirSync(stateDir, { recursive: true });
  const file = join(stateDir, 'lock');
  const started = Date.now();
  let nextNotice = started;
  for (;;) {
    try {
      writeFileSync(file, String(process.pid), { flag: 'wx' });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number(readFileSync(file, 'utf8'));
      if (holder && holder !== process.pid && processStat(holder)) {
        const waited = Date.now() - started;
        if (waited >= waitMs) {
          throw new Error(
            `Another "pnpm stack" run (pid ${holder}) is starting or stopping this stage${waitMs > 0 ? ` and did not finish within ${waitMs} ms` : ''}: wait for it to finish, then try again.`,
          );
        }
        if (Date.now() >= nextNotice) {
          output?.(
            `waiting for another "pnpm stack" run (pid ${holder}) to finish changing this stage (${Math.round(waited / 1000)} s of at most ${Math.round(waitMs / 1000)} s)...`,
          );
          nextNotice = Date.now() + 10_000;
        }
        await sleep(200);
        continue;
      }
      // The holder died without cleaning up (or it is this very process): the lock is stale.
      rmSync(file, { force: true });
    }
  }
  try {
    return await action();
  } finally {
    rmSync(file, { force: true });
  }
}
