import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const stagesDir = resolve(import.meta.dirname, '../stages');
// Measured results and installed modules differ in every stage and teach nothing in a diff.
const ignored = new Set(['node_modules', 'results']);

function stageFolder(name: string): string {
  const folders = readdirSync(stagesDir);
  const wanted = /^\d+$/.test(name) ? name.padStart(2, '0') : name;
  const folder = folders.find((candidate) => candidate === wanted || candidate.startsWith(`${wanted}-`));
  if (!folder) throw new Error(`There is no stage "${name}". Pick one of: ${folders.join(', ')}.`);
  return join(stagesDir, folder);
}

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
const fromDir = stageFolder(from);
const toDir = stageFolder(to);
const files = [...new Set([...listFiles(fromDir), ...listFiles(toDir)])].sort();
for (const file of files) {
  const a = join(fromDir, file);
  const b = join(toDir, file);
  spawnSync(
    'git',
    ['diff', '--no-index', '--color=auto', existsSync(a) ? a : '/dev/null', existsSync(b) ? b : '/dev/null'],
    { stdio: 'inherit' },
  );
}
