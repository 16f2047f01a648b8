import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCompose, repoRoot, validateComposeText } from '@scaling/stack';
import { afterEach, describe, expect, it } from 'vitest';
import { readManifest, type StageTag } from '../tags.ts';

const manifest = readManifest(repoRoot);
const first = manifest[0] as StageTag;
const git = (cwd: string, args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();

/** A stage is there once its folder holds its lesson: the README every finished stage has. */
function stagesWithLesson(commit: string): number[] {
  return git(repoRoot, ['ls-tree', '-r', '--name-only', commit, 'stages/'])
    .split('\n')
    .flatMap((path) => /^stages\/(\d{2})-[^/]+\/README\.md$/.exec(path)?.[1] ?? [])
    .map(Number);
}

describe('stages/tags.tsv', () => {
  it('When the manifest is read, then it lists the stages in order, one tag each', () => {
    expect(manifest.map((entry) => entry.tag)).toEqual(manifest.map((_entry, index) => `stage-${index + 1}`));
    expect(manifest.length).toBeGreaterThanOrEqual(3);
  });

  describe.each(manifest.map((entry) => [entry.tag, entry] as const))('%s', (tag, { commit }) => {
    const stage = Number(tag.slice('stage-'.length));

    it('When its commit is looked up, then it is in the history of HEAD', () => {
      const ancestor = spawnSync('git', ['merge-base', '--is-ancestor', commit, 'HEAD'], { cwd: repoRoot });
      expect(ancestor.status).toBe(0);
    });

    it("When its tree is listed, then it holds its stage's lesson and no later stage's", () => {
      expect(Math.max(...stagesWithLesson(commit))).toBe(stage);
    });

    it('When its compose files are validated, then they match the Compose schema and what they run is there', () => {
      const folder = git(repoRoot, ['ls-tree', '--name-only', commit, 'stages/'])
        .split('\n')
        .find((path) => path.startsWith(`stages/${String(stage).padStart(2, '0')}-`));
      expect(folder).toBeDefined();
      const files = git(repoRoot, ['ls-tree', '--name-only', commit, `${folder}/`])
        .split('\n')
        .filter((path) => /\/docker-compose(\.[\w-]+)?\.yml$/.test(path));
      expect(files).toContain(`${folder}/docker-compose.yml`);
      for (const file of files) {
        const text = git(repoRoot, ['show', `${commit}:${file}`]);
        expect(validateComposeText(text), file).toEqual([]);
        // A tag whose compose file runs a script that came later would not boot: stage 2's app did not exist yet
        // when its topology was first committed.
        for (const service of Object.values(parseCompose(text).services)) {
          const command = Array.isArray(service.command) ? service.command : [];
          for (const script of command.filter((arg) => /^(stages|packages)\/.+\.ts$/.test(arg))) {
            const found = spawnSync('git', ['cat-file', '-e', `${commit}:${script}`], { cwd: repoRoot });
            expect(found.status, `${file} runs ${script}`).toBe(0);
          }
        }
      }
    });
  });
});

describe('make tags (scripts/tags.ts) in a clone', () => {
  const folders: string[] = [];
  afterEach(() => {
    for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
  });

  /**
   * A clone of the committed history, holding the working tree's script and manifest, as a new user has it: without
   * tags, which this checkout may hold already (its own bootstrap creates them).
   */
  function freshClone(cloneOptions: string[] = []): string {
    const folder = mkdtempSync(join(tmpdir(), 'tags-'));
    folders.push(folder);
    const clone = join(folder, 'clone');
    git(folder, ['clone', '--quiet', '--no-tags', ...cloneOptions, `file://${repoRoot}`, clone]);
    for (const file of ['scripts/tags.ts', 'stages/tags.tsv'])
      copyFileSync(join(repoRoot, file), join(clone, file));
    return clone;
  }

  /** Runs the script with no git identity configured, as on a fresh machine. */
  function makeTags(clone: string) {
    const result = spawnSync(process.execPath, ['scripts/tags.ts'], {
      cwd: clone,
      encoding: 'utf8',
      env: { PATH: process.env.PATH, HOME: clone, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' },
    });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  }

  /** tag -> [type of the tag object, commit it points at]. */
  function tagsOf(clone: string): Record<string, [string, string]> {
    const lines = git(clone, [
      'for-each-ref',
      '--format=%(refname:short) %(objecttype) %(objectname)',
      'refs/tags',
    ]);
    return Object.fromEntries(
      lines
        .split('\n')
        .filter(Boolean)
        .map((line) => {
          const [tag = '', type = ''] = line.split(' ');
          return [tag, [type, git(clone, ['rev-parse', `${tag}^{commit}`])]];
        }),
    );
  }

  it('When it runs in a fresh clone, then it creates every manifest tag, annotated, at its commit', () => {
    const clone = freshClone();
    expect(tagsOf(clone)).toEqual({});

    const run = makeTags(clone);

    expect(run.status).toBe(0);
    expect(tagsOf(clone)).toEqual(
      Object.fromEntries(manifest.map((entry) => [entry.tag, ['tag', entry.commit]])),
    );
  });

  it('When it runs a second time, then it changes nothing and says every tag is in place', () => {
    const clone = freshClone();
    makeTags(clone);
    const before = git(clone, ['show-ref', '--tags']);

    const run = makeTags(clone);

    expect(run.status).toBe(0);
    expect(git(clone, ['show-ref', '--tags'])).toBe(before);
    for (const { tag } of manifest) expect(run.stdout).toContain(`${tag} is at`);
    expect(run.stderr).toBe('');
  });

  it('When a tag exists at another commit, then it is reported with what to do and not moved', () => {
    const clone = freshClone();
    git(clone, ['tag', first.tag, `${first.commit}^`]);
    const elsewhere = git(clone, ['rev-parse', `${first.tag}^{commit}`]);

    const run = makeTags(clone);

    expect(run.status).toBe(0);
    expect(git(clone, ['rev-parse', `${first.tag}^{commit}`])).toBe(elsewhere);
    expect(run.stderr).toContain(`${first.tag} points at ${elsewhere.slice(0, 7)}`);
    expect(run.stderr).toContain(`git tag -d ${first.tag} && make tags`);
  });

  it('When the clone is shallow, then the missing commits are reported with what to do and the run succeeds', () => {
    const clone = freshClone(['--depth', '1']);

    const run = makeTags(clone);

    expect(run.status).toBe(0);
    expect(tagsOf(clone)[first.tag]).toBeUndefined();
    expect(run.stderr).toContain(`${first.tag}: commit ${first.commit.slice(0, 7)} is not in this clone`);
    expect(run.stderr).toContain('git fetch --unshallow');
  });
});
