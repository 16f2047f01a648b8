import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { repoRoot } from '@scaling/stack';
import { afterAll, describe, expect, it } from 'vitest';
import {
  benchResultsDirectory,
  describeWritten,
  resultsDirectory,
  writeResultFiles,
} from '../src/results.ts';

/** Whether git would leave a file at `path` out of `git status`, judged by the ignore rules alone. */
function ignoredByGit(path: string): boolean {
  const check = spawnSync('git', ['check-ignore', '--quiet', '--no-index', relative(repoRoot, path)], {
    cwd: repoRoot,
  });
  return check.status === 0;
}

describe('where results go', () => {
  it('When a run is not published, then it writes into .results/<stage folder>/, which git ignores', () => {
    const directory = resultsDirectory(2, false);

    expect(relative(repoRoot, directory)).toBe('.results/02-separate-database');
    expect(ignoredByGit(join(directory, 'bench.json'))).toBe(true);
  });

  it("When a run is published, then it writes into the stage's tracked results folder", () => {
    const directory = resultsDirectory(2, true);

    expect(relative(repoRoot, directory)).toBe('stages/02-separate-database/results');
    expect(ignoredByGit(join(directory, 'bench.json'))).toBe(false);
  });

  it("When a bench runs some experiments only, then it writes into a folder named after them, never over the stage's whole benchmark", () => {
    expect(relative(repoRoot, benchResultsDirectory(3, true, ['tracing-overhead']))).toBe(
      'stages/03-load-balancer/results/tracing-overhead',
    );
    expect(relative(repoRoot, benchResultsDirectory(3, false, ['a', 'b']))).toBe(
      '.results/03-load-balancer/a+b',
    );
    expect(benchResultsDirectory(3, true, [])).toBe(resultsDirectory(3, true));
  });

  it('When the files are reported, then the line says where they are and how to choose the other place', () => {
    const local = join(repoRoot, '.results', '02-separate-database', 'bench.json');

    expect(describeWritten([local], false)).toContain('git-ignored folder (--publish writes them');
    expect(describeWritten([local], false)).toContain(relative(process.cwd(), local));
    expect(describeWritten([local], true)).toContain('published');
  });
});

describe('writeResultFiles', () => {
  const directory = mkdtempSync(join(tmpdir(), 'bench-results-'));
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('When a measurement with a chart is written, then its JSON, Markdown and SVG files are created', () => {
    const target = join(directory, 'nested');

    const written = writeResultFiles(target, 'bench', {
      raw: { requests: 3 },
      markdown: '# Run\n\n',
      svg: '<svg/>',
    });

    expect(written).toEqual(['bench.json', 'bench.md', 'bench.svg'].map((file) => join(target, file)));
    expect(readdirSync(target).sort()).toEqual(['bench.json', 'bench.md', 'bench.svg']);
    expect(JSON.parse(readFileSync(join(target, 'bench.json'), 'utf8'))).toEqual({ requests: 3 });
    expect(readFileSync(join(target, 'bench.md'), 'utf8')).toBe('# Run\n');
  });
});
