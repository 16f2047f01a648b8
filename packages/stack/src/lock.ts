import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { processStat } from './state.ts';

/** Serializes `up` and `down` of one stage: two runs starting the same processes at once would fight over ports and pids. */
export async function withStageLock<T>(stateDir: string, action: () => Promise<T>): Promise<T> {
  mkdirSync(stateDir, { recursive: true });
  const file = join(stateDir, 'lock');
  for (;;) {
    try {
      writeFileSync(file, String(process.pid), { flag: 'wx' });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number(readFileSync(file, 'utf8'));
      if (holder && holder !== process.pid && processStat(holder)) {
        throw new Error(
          `Another "pnpm stack" run (pid ${holder}) is starting or stopping this stage: wait for it to finish, then try again.`,
        );
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
