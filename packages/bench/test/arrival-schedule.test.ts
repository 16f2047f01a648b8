import { describe, expect, it } from 'vitest';
import { constantArrivals, phaseBoundaries, phasedArrivals } from '../src/arrival-schedule.ts';

describe('arrival schedules', () => {
  it('When the rate is constant, then request n is due at n / rate', () => {
    const schedule = constantArrivals(40, 2);
    expect(schedule.total).toBe(80);
    expect(schedule.dueAtMs(3)).toBe(75);
    expect(schedule.durationMs).toBe(2_000);
  });

  it('When the rate ramps 40 to 400 req/s over 10 s, then 2,200 requests arrive, each gap shorter than the one before', () => {
    const schedule = phasedArrivals([
      { name: 'spike', seconds: 10, requestsPerSecond: 40, toRequestsPerSecond: 400 },
    ]);
    expect(schedule.total).toBe(2_200);
    expect(schedule.peakRequestsPerSecond).toBe(400);
    const gaps = Array.from(
      { length: schedule.total - 1 },
      (_, index) => schedule.dueAtMs(index + 1) - schedule.dueAtMs(index),
    );
    for (let index = 1; index < gaps.length; index++) {
      expect(gaps[index]).toBeLessThan(gaps[index - 1] as number);
    }
    expect(gaps[0]).toBeCloseTo(25, 0);
    expect(gaps.at(-1)).toBeCloseTo(2.5, 1);
  });

  it('When the rate falls back down, then the phases follow each other without a gap or a double arrival', () => {
    const phases = [
      { name: 'high', seconds: 1, requestsPerSecond: 100 },
      { name: 'down', seconds: 1, requestsPerSecond: 100, toRequestsPerSecond: 10 },
      { name: 'low', seconds: 1, requestsPerSecond: 10 },
    ];
    const schedule = phasedArrivals(phases);
    expect(schedule.total).toBe(100 + 55 + 10);
    for (let index = 1; index < schedule.total; index++) {
      expect(schedule.dueAtMs(index)).toBeGreaterThan(schedule.dueAtMs(index - 1));
    }
    expect(schedule.dueAtMs(schedule.total - 1)).toBeLessThan(3_000);
    expect(phaseBoundaries(phases).map((phase) => [phase.fromMs, phase.toMs])).toEqual([
      [0, 1_000],
      [1_000, 2_000],
      [2_000, 3_000],
    ]);
  });

  it('When a phase has no duration, then the schedule is refused with the phase named', () => {
    expect(() => phasedArrivals([{ name: 'hold', seconds: 0, requestsPerSecond: 10 }])).toThrow(/"hold"/);
  });
});
