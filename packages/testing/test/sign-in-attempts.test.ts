import { spawnSync } from 'node:child_process';
import { describe, expect, inject, it } from 'vitest';
import { uniqueSuffix } from '../src/factories.ts';
import { forgetRateLimitCounters } from '../src/sign-in-attempts.ts';

// A database of the run's Redis no other test uses: the rate limiter's own tests count `rate-limit:*` keys in db 0.
const redisUrl = () => `${inject('redisUrl')}/15`;

function redis(...command: string[]): string {
  const { port } = new URL(inject('redisUrl'));
  const result = spawnSync('redis-cli', ['-p', port, '-n', '15', ...command], { encoding: 'utf8' });
  expect(result.status, result.stderr).toBe(0);
  return result.stdout.trim();
}

describe('forgetRateLimitCounters', () => {
  it('When the Redis holds rate-limit counters and other keys, then the counters go and the other keys stay', () => {
    const suffix = uniqueSuffix();
    const counters = [`rate-limit:login:address:${suffix}`, `rate-limit:registration:account:${suffix}`];
    const session = `session:${suffix}`;
    for (const key of [...counters, session]) redis('SET', key, '1');

    const deleted = forgetRateLimitCounters(redisUrl());

    expect(deleted).toBeGreaterThanOrEqual(counters.length);
    expect(redis('KEYS', 'rate-limit:*')).toBe('');
    expect(redis('GET', session)).toBe('1');
  });

  it('When nothing answers at the address, then it fails saying what to check', () => {
    expect(() => forgetRateLimitCounters('redis://127.0.0.1:1')).toThrow(
      /Could not delete the rate-limit counters in the Redis at 127\.0\.0\.1:1 .*check that it runs/,
    );
  });
});
