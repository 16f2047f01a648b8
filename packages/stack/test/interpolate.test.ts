// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these are Compose interpolations, not template strings.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { interpolate, loadCompose } from '../src/index.ts';

describe('Compose interpolation, natively as in docker compose', () => {
  it.each([
    ['${A:-demo}', {}, 'demo'],
    ['${A:-demo}', { A: '' }, 'demo'],
    ['${A-demo}', { A: '' }, ''],
    ['${A:-demo}', { A: 'set' }, 'set'],
    ['${A:+other}', { A: 'set' }, 'other'],
    ['${A:+other}', {}, ''],
    ['$A and ${B}', { A: 'a', B: 'b' }, 'a and b'],
    ['cost $$5', {}, 'cost $5'],
    ['${A:-${B:-nested}}', {}, 'nested'],
    ['postgres://u:${P:-local-demo-only-x}@db:5432/d', { P: 's3cret' }, 'postgres://u:s3cret@db:5432/d'],
  ])('When %s is read with %o, then it becomes %s', (text, variables, expected) => {
    expect(interpolate(text, variables)).toBe(expected);
  });

  it('When a required variable is unset, then reading says which one and why', () => {
    expect(() => interpolate('${TOKEN:?set a real token}', {}, 'The file')).toThrow(
      'The file needs TOKEN: set a real token.',
    );
  });

  it('When a .env sits beside the compose file, then its values apply and the environment wins over them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'stack-dotenv-'));
    try {
      writeFileSync(join(dir, '.env'), '# comment\nFIRST=from-file\nSECOND="quoted value"\n');
      writeFileSync(
        join(dir, 'docker-compose.yml'),
        'services:\n  app:\n    build: .\n    environment:\n      A: ${FIRST:-demo}\n      B: ${SECOND:-demo}\n',
      );
      const compose = loadCompose(join(dir, 'docker-compose.yml'), { SECOND: 'from-env' });
      expect(compose.services.app?.environment).toEqual({ A: 'from-file', B: 'from-env' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
