// `make tags`: creates the stage tags of stages/tags.tsv that this clone lacks. Git does not carry tags with the
// branch, so every clone recreates them from the committed manifest. A tag that exists is never moved.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface StageTag {
  tag: string;
  commit: string;
  description: string;
}

export function readManifest(root: string): StageTag[] {
  return readFileSync(join(root, 'stages', 'tags.tsv'), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('#'))
    .map((line) => {
      const [tag = '', commit = '', description = ''] = line.split('\t');
      if (!/^stage-\d+$/.test(tag) || !/^[0-9a-f]{40}$/.test(commit) || description === '') {
        throw new Error(
          `stages/tags.tsv: "${line}" is not "stage-N<TAB>full commit hash<TAB>what the stage adds": fix that line.`,
        );
      }
      return { tag, commit, description };
    });
}

function git(root: string, args: string[], env: Record<string, string> = {}) {
  const result = spawnSync('git', args, { cwd: root, encoding: 'utf8', env: { ...process.env, ...env } });
  return { ok: result.status === 0, out: (result.stdout ?? '').trim(), err: (result.stderr ?? '').trim() };
}

/** Creates the missing tags; returns how many need the user's attention (those are reported, never fixed). */
export function createStageTags(
  root: string,
  log: (line: string) => void,
  warn: (line: string) => void,
): number {
  if (!git(root, ['rev-parse', '--git-dir']).ok) {
    warn('This folder is not a git clone (or git is missing), so there are no stage tags to create.');
    return 0;
  }
  let attention = 0;
  for (const { tag, commit, description } of readManifest(root)) {
    const short = commit.slice(0, 7);
    const existing = git(root, ['rev-parse', '--verify', '--quiet', `refs/tags/${tag}^{commit}`]);
    if (existing.ok && existing.out === commit) {
      log(`${tag} is at ${short}.`);
      continue;
    }
    if (existing.ok) {
      attention++;
      warn(
        `${tag} points at ${existing.out.slice(0, 7)}, but stages/tags.tsv says ${short}: left as it is. If the ` +
          `tag is not one you moved on purpose, run "git tag -d ${tag} && make tags".`,
      );
      continue;
    }
    if (!git(root, ['cat-file', '-e', `${commit}^{commit}`]).ok) {
      attention++;
      warn(
        `${tag}: commit ${short} is not in this clone (a shallow clone?), so the tag was not created. Run ` +
          '"git fetch --unshallow" (or clone without --depth), then "make tags".',
      );
      continue;
    }
    // The tagged commit's own committer and date make the tag object the same in every clone, and a clone with no
    // git identity configured can still create it.
    const [name = '', email = '', date = ''] = git(root, [
      'log',
      '-1',
      '--format=%cn%x00%ce%x00%cI',
      commit,
    ]).out.split('\0');
    const created = git(root, ['tag', '-a', tag, '-m', `${tag}: ${description}`, commit], {
      GIT_COMMITTER_NAME: name,
      GIT_COMMITTER_EMAIL: email,
      GIT_COMMITTER_DATE: date,
    });
    if (!created.ok) throw new Error(`git could not create ${tag} at ${short}: ${created.err}`);
    log(`Created ${tag} at ${short}: ${description}`);
  }
  return attention;
}

if (import.meta.main) {
  const attention = createStageTags(
    join(import.meta.dirname, '..'),
    (line) => console.log(`[tags] ${line}`),
    (line) => console.error(`[tags] ${line}`),
  );
  if (attention > 0) console.error(`[tags] ${attention} stage tag(s) need your attention: see above.`);
}
