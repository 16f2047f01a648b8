import { describe, expect, it } from 'vitest';
import { parseRestartPolicy, restartDelayMs, shouldRestart } from '../src/index.ts';

describe('compose restart policies', () => {
  it('When no policy is set (or YAML read "no" as false), then nothing restarts, as in Docker', () => {
    for (const value of [undefined, false, 'no']) {
      const policy = parseRestartPolicy('app', value);
      expect(policy).toEqual({ condition: 'no', maxRetries: null });
      expect(shouldRestart(policy, 137, 1)).toBe(false);
    }
  });

  it('When the policy is always or unless-stopped, then any exit restarts, a clean one too', () => {
    for (const value of ['always', 'unless-stopped']) {
      const policy = parseRestartPolicy('app', value);
      expect(shouldRestart(policy, 0, 1)).toBe(true);
      expect(shouldRestart(policy, 137, 50)).toBe(true);
    }
  });

  it('When the policy is on-failure:2, then only failures restart, and only twice in a row', () => {
    const policy = parseRestartPolicy('worker', 'on-failure:2');
    expect(policy).toEqual({ condition: 'on-failure', maxRetries: 2 });
    expect(shouldRestart(policy, 0, 1)).toBe(false);
    expect(shouldRestart(policy, 1, 1)).toBe(true);
    expect(shouldRestart(policy, 1, 2)).toBe(true);
    expect(shouldRestart(policy, 1, 3)).toBe(false);
  });

  it('When the policy is misspelt or gives retries to another condition, then the error lists the valid ones', () => {
    expect(() => parseRestartPolicy('app', 'alway')).toThrow(/"no", "always", "unless-stopped"/);
    expect(() => parseRestartPolicy('app', 'always:3')).toThrow(/on-failure\[:max-retries\]/);
  });

  it('When a process keeps failing, then the delay doubles from 100 ms and stops growing at 10 s', () => {
    expect([1, 2, 3, 4].map(restartDelayMs)).toEqual([100, 200, 400, 800]);
    expect(restartDelayMs(30)).toBe(10_000);
  });
});
