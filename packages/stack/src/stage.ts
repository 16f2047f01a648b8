import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { stageStateDir } from './state-dir.ts';

/** Where a stage's topology lives and where its native runtime keeps state. */
export interface StageRef {
  /** The stage folder's name, e.g. `01-single-server`. */
  name: string;
  /** The repository root: native processes run from here, as containers run from the image's WORKDIR. */
  root: string;
  composeFile: string;
  /** Data directories, logs and pid files: `.stack/<stage>` in the checkout, or a folder the servers can reach (state-dir.ts). */
  stateDir: string;
  /** When the state lives outside the checkout: the checkout's `.stack/<stage>`, made a link to it. */
  link?: string;
}

export const repoRoot = resolve(import.meta.dirname, '../../..');

/** Accepts a stage number (`1`, `01`) or a folder name (`01-single-server`). */
export function resolveStage(stage: string | number, options: { root?: string } = {}): StageRef {
  const root = options.root ?? repoRoot;
  const stagesDir = join(root, 'stages');
  const folders = existsSync(stagesDir)
    ? readdirSync(stagesDir, { withFileTypes: true })
        .filter((entry) => entry.isDirectory() && /^\d{2}-/.test(entry.name))
        .map((entry) => entry.name)
    : [];
  const wanted = String(stage).trim();
  const name = /^\d+$/.test(wanted)
    ? folders.find((folder) => folder.startsWith(`${wanted.padStart(2, '0')}-`))
    : folders.find((folder) => folder === wanted);
  if (!name) {
    throw new Error(
      `There is no stage "${wanted}". Pass a stage number or one of these folders: ${folders.join(', ') || '(none found)'}.`,
    );
  }
  const composeFile = join(stagesDir, name, 'docker-compose.yml');
  if (!existsSync(composeFile)) {
    throw new Error(
      `Stage ${name} has no docker-compose.yml yet: add ${composeFile} to describe its topology.`,
    );
  }
  return { name, root, composeFile, ...stageStateDir(root, name) };
}
