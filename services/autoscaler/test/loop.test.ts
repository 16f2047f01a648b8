import { describe, expect, it } from 'vitest';
import { startLoop } from '../src/loop.ts';

describe('The decision loop', () => {
  it('When a tick has run longer than the stuck limit, then health turns unhealthy, and healthy again once it returns', async () => {
    let clock = 0;
    let finish = () => {};
    const stop = new AbortController();
    const loop = startLoop({
      tick: () => new Promise<void>((resolve) => (finish = resolve)),
      intervalMs: 10,
      stuckAfterMs: 1_000,
      signal: stop.signal,
      now: () => clock,
    });

    clock = 999;
    const busy = loop.health();
    clock = 1_000;
    const stuck = loop.health();
    stop.abort();
    finish();
    await loop.done;

    expect(busy).toMatchObject({ healthy: true, details: { status: 'ok', ticks: 0, tickRunningForMs: 999 } });
    expect(stuck).toMatchObject({ healthy: false, details: { status: 'stuck' } });
    expect(loop.health()).toMatchObject({ healthy: false, details: { status: 'stopping', ticks: 1 } });
  });

  it('When the signal aborts during the wait between ticks, then the loop ends at once', async () => {
    const stop = new AbortController();
    let ticks = 0;
    const loop = startLoop({
      tick: async () => {
        ticks += 1;
      },
      intervalMs: 60_000,
      signal: stop.signal,
    });

    await new Promise((resolve) => setTimeout(resolve, 20));
    stop.abort();
    await loop.done;

    expect(ticks).toBe(1);
  });
});
