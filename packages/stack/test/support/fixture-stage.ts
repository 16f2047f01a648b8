import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot, type StageRef } from '../../src/index.ts';
import { processStat } from '../../src/state.ts';

export const fixturesDir = join(import.meta.dirname, '..', 'fixtures');

/** A fixture topology with its state in a fresh temp dir; `remove()` deletes that dir. */
export function fixtureStage(composeFile: string, name = 'fixture'): StageRef & { remove(): void } {
  const stateDir = mkdtempSync(join(tmpdir(), `stack-${name}-`));
  // mkdtemp makes the folder private to root; Postgres and PgBouncer run as an unprivileged account and must reach it.
  chmodSync(stateDir, 0o755);
  return {
    name,
    root: repoRoot,
    composeFile,
    stateDir,
    remove: () => rmSync(stateDir, { recursive: true, force: true }),
  };
}

export const alive = (pid: number | null | undefined) =>
  typeof pid === 'number' && processStat(pid) !== null && !processStat(pid)?.zombie;
