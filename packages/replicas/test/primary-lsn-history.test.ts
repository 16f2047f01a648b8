import { describe, expect, it } from 'vitest';
import { PrimaryLsnHistory } from '../src/primary-lsn-history.ts';

/** A history of the primary seen at 0/100 at t=0 s, 0/200 at t=1 s, ..., 0/500 at t=4 s. */
function buildHistory(keepMs = 60_000): PrimaryLsnHistory {
  const history = new PrimaryLsnHistory(keepMs);
  for (let second = 0; second < 5; second++) history.record(`0/${second + 1}00`, second * 1000);
  return history;
}

describe('PrimaryLsnHistory', () => {
  it('When a replica has replayed the latest position, then its lag is 0 seconds', () => {
    expect(buildHistory().lagSeconds('0/500', 10_000)).toBe(0);
    expect(buildHistory().lagSeconds('1/0', 10_000)).toBe(0);
  });

  it('When a replica is behind, then its lag is the age of the first position it has not replayed', () => {
    const history = buildHistory();
    expect(history.lagSeconds('0/250', 5_000)).toBe(3);
    expect(history.lagSeconds('0/200', 5_000)).toBe(3);
    expect(history.lagSeconds('0/1FF', 5_000)).toBe(4);
    expect(history.lagSeconds('0/0', 5_000)).toBe(5);
  });

  it('When the primary is seen again at the same position, then the first sighting keeps counting', () => {
    const history = buildHistory();
    history.record('0/500', 9_000);
    expect(history.lagSeconds('0/400', 10_000)).toBe(6);
    expect(history.latest()).toBe('0/500');
  });

  it('When samples are older than the window, then they are dropped and a replica behind them all gets the oldest kept age', () => {
    const history = buildHistory(2_500);
    expect(history.lagSeconds('0/0', 5_000)).toBe(3);
  });
});
