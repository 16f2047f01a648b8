import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, validateComposeText } from '../src/index.ts';

const composeFile = /^docker-compose(\.[\w-]+)?\.yml$/;
/** Each stage's docker-compose.yml and its override variants (docker-compose.sticky.yml, ...). */
const stageComposeFiles = readdirSync(join(repoRoot, 'stages'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .flatMap((entry) =>
    readdirSync(join(repoRoot, 'stages', entry.name))
      .filter((file) => composeFile.test(file))
      .map((file) => join(repoRoot, 'stages', entry.name, file)),
  );
const fixtures = readdirSync(join(import.meta.dirname, 'fixtures'), { recursive: true, encoding: 'utf8' })
  .filter((file) => file.endsWith('docker-compose.yml') || file.endsWith('.compose.yml'))
  .map((file) => join(import.meta.dirname, 'fixtures', file));

describe('compose files against the Compose specification schema', () => {
  it('When the repository is scanned, then stage 1 has a compose file to check', () => {
    expect(stageComposeFiles.map((file) => file.split('/').at(-2))).toContain('01-single-server');
  });

  it.each([...stageComposeFiles, ...fixtures].map((file) => [file.replace(`${repoRoot}/`, ''), file]))(
    'When %s is validated, then it has no schema errors',
    (_name, file) => {
      expect(validateComposeText(readFileSync(file, 'utf8'))).toEqual([]);
    },
  );

  it('When a service sets cpuset as a number and an unknown key, then both are reported', () => {
    const errors = validateComposeText(
      'services:\n  app:\n    image: node:24\n    cpuset: 0\n    cpu_set: "0"\n',
    );
    expect(errors).toContain('/services/app/cpuset must be string');
    expect(errors).toContain('/services/app must NOT have additional properties');
  });
});
