import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { repoRoot, stackDown } from '@scaling/stack';

/** A stage a test file left running for the next file that boots it the same way. */
export interface SharedStage {
  stage: number;
  variant: string | null;
  /** Whether its volumes go when it stops. */
  volumes: boolean;
  /** The test run that left it: only that run stops it at its end (several runs may share a checkout). */
  runId: string;
}

/** Kept outside any test process: each test file runs in a process of its own. */
const sharedStageFile = join(repoRoot, '.stack', 'left-running-by-tests.json');

function readSharedStage(): SharedStage | null {
  return existsSync(sharedStageFile)
    ? (JSON.parse(readFileSync(sharedStageFile, 'utf8')) as SharedStage)
    : null;
}

export function leaveStageRunning(shared: SharedStage): void {
  mkdirSync(dirname(sharedStageFile), { recursive: true });
  writeFileSync(sharedStageFile, JSON.stringify(shared));
}

async function stop(shared: SharedStage): Promise<void> {
  await stackDown(shared.stage, { volumes: shared.volumes });
  rmSync(sharedStageFile, { force: true });
}

/**
 * Before a file boots a stage: stops the one an earlier file left running (this run's or an interrupted one's),
 * unless it is the stage the file boots, the same way; it would hold the same ports.
 */
export async function stopSharedStageOtherThan(keep: { stage: number; variant: string | null } | null) {
  const shared = readSharedStage();
  if (shared && !(keep && keep.stage === shared.stage && keep.variant === shared.variant)) await stop(shared);
}

/** At the end of a test run (the global setup's teardown): stops the stage this run left running, if any. */
export async function stopSharedStageOf(runId: string): Promise<void> {
  const shared = readSharedStage();
  if (shared?.runId === runId) await stop(shared);
}
