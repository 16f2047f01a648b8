import { describe, expect, it } from 'vitest';
import { type BreakerState, createCircuitBreaker } from '../src/circuit-breaker.ts';

function breakerOnAClock() {
  let time = 0;
  const changes: BreakerState[] = [];
  const breaker = createCircuitBreaker({
    failureThreshold: 3,
    cooldownMs: 1000,
    now: () => time,
    onChange: (state) => changes.push(state),
  });
  return { breaker, changes, advance: (ms: number) => (time += ms) };
}

describe('createCircuitBreaker', () => {
  it('When failures are interrupted by a success, then the breaker stays closed', () => {
    const { breaker } = breakerOnAClock();

    breaker.failed();
    breaker.failed();
    breaker.succeeded();
    breaker.failed();
    breaker.failed();

    expect(breaker.state()).toBe('closed');
    expect(breaker.allows()).toBe(true);
  });

  it('When the threshold of consecutive failures is reached, then it opens and refuses calls until the cooldown passes', () => {
    const { breaker, advance } = breakerOnAClock();

    for (let failure = 0; failure < 3; failure += 1) breaker.failed();
    advance(999);

    expect(breaker.state()).toBe('open');
    expect(breaker.allows()).toBe(false);
  });

  it('When the cooldown has passed, then exactly one probe is let through, and its success closes the breaker', () => {
    const { breaker, changes, advance } = breakerOnAClock();
    for (let failure = 0; failure < 3; failure += 1) breaker.failed();
    advance(1000);

    expect([breaker.allows(), breaker.allows()]).toEqual([true, false]);
    breaker.succeeded();

    expect(breaker.allows()).toBe(true);
    expect(changes).toEqual(['open', 'half-open', 'closed']);
  });

  it('When the probe fails, then the breaker opens again for a whole cooldown', () => {
    const { breaker, advance } = breakerOnAClock();
    for (let failure = 0; failure < 3; failure += 1) breaker.failed();
    advance(1000);
    breaker.allows();

    breaker.failed();
    advance(999);

    expect(breaker.state()).toBe('open');
    expect(breaker.allows()).toBe(false);
    advance(1);
    expect(breaker.allows()).toBe(true);
  });

  it('When a call sent before the breaker opened succeeds late, then the breaker stays open', () => {
    const { breaker } = breakerOnAClock();
    for (let failure = 0; failure < 3; failure += 1) breaker.failed();

    breaker.succeeded();

    expect(breaker.state()).toBe('open');
  });
});
