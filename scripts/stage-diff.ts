import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { repoRoot, resolveStage } from '@scaling/stack';

// Measured results and installed modules differ in every stage and teach nothing in a diff.
const ignored = new Set(['node_modules', 'results']);

function listFiles(root: string, dir = root): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (ignored.has(entry.name)) return [];
    const path = join(dir, entry.name);
    return entry.isDirectory() ? listFiles(root, path) : [relative(root, path)];
  });
}

const [from, to] = process.argv.slice(2);
if (!from || !to) {
  console.error('Usage: pnpm stage:diff <from> <to>   (for example: pnpm stage:diff 1 2)');
  process.exit(2);
}
const fromDir = dirname(resolveStage(from).composeFile);
const toDir = dirname(resolveStage(to).composeFile);
const files = [...new Set([...listFiles(fromDir), ...listFiles(toDir)])].sort();
// Paths relative to the repository root read as `a/stages/01-.../app.ts` in the diff headers.
const side = (dir: string, file: string) => {
  const path = join(dir, file);
  return existsSync(path) ? relative(repoRoot, path) : '/dev/null';
};
for (const file of files) {
  spawnSync('git', ['diff', '--no-index', '--color=auto', side(fromDir, file), side(toDir, file)], {
    cwd: repoRoot,
    stdio: 'inherit',
  });
}
