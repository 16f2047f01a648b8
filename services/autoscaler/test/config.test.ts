import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { minimumIntervalSeconds, minimumWindowSeconds, scaleTiming, type Timing } from '../src/timing.ts';

const seedTiming: Timing = {
  scaleOutWindowSeconds: 60,
  scaleInWindowSeconds: 300,
  scaleOutCooldownSeconds: 180,
  scaleInCooldownSeconds: 600,
  warmUpSeconds: 120,
  intervalSeconds: 15,
};

const arbitraryTiming = fc.record({
  scaleOutWindowSeconds: fc.integer({ min: 1, max: 3_600 }),
  scaleInWindowSeconds: fc.integer({ min: 1, max: 3_600 }),
  scaleOutCooldownSeconds: fc.integer({ min: 1, max: 3_600 }),
  scaleInCooldownSeconds: fc.integer({ min: 1, max: 3_600 }),
  warmUpSeconds: fc.integer({ min: 1, max: 3_600 }),
  intervalSeconds: fc.integer({ min: 1, max: 600 }),
});

describe('The time scale', () => {
  it('When a time scale is set, then it divides every duration, within the floors: windows 3 scrapes, cooldowns their window, the interval half a scrape', () => {
    fc.assert(
      fc.property(arbitraryTiming, fc.double({ min: 1, max: 1_000, noNaN: true }), (base, timeScale) => {
        const { timing, raised } = scaleTiming(base, timeScale);

        const floors: Record<keyof Timing, number> = {
          scaleOutWindowSeconds: minimumWindowSeconds,
          scaleInWindowSeconds: minimumWindowSeconds,
          scaleOutCooldownSeconds: timing.scaleOutWindowSeconds,
          scaleInCooldownSeconds: timing.scaleInWindowSeconds,
          warmUpSeconds: 0,
          intervalSeconds: minimumIntervalSeconds,
        };
        for (const name of Object.keys(base) as (keyof Timing)[]) {
          expect(timing[name]).toBe(Math.max(base[name] / timeScale, floors[name]));
          expect(raised.some((entry) => entry.name === name)).toBe(base[name] / timeScale < floors[name]);
        }
      }),
    );
  });

  it('When --time-scale 25 is given, then it wins over AUTOSCALER_TIME_SCALE and the durations raised to their floor are named', () => {
    const config = loadConfig({ AUTOSCALER_TIME_SCALE: '2' }, ['--time-scale', '25'], 2);

    expect(config.timeScale).toBe(25);
    expect(config.scaled.timing).toEqual({
      scaleOutWindowSeconds: 15,
      scaleInWindowSeconds: 15,
      scaleOutCooldownSeconds: 15,
      scaleInCooldownSeconds: 24,
      warmUpSeconds: 4.8,
      intervalSeconds: 2.5,
    });
    expect(config.scaled.raised.map((entry) => entry.name)).toEqual([
      'scaleOutWindowSeconds',
      'scaleInWindowSeconds',
      'scaleOutCooldownSeconds',
      'intervalSeconds',
    ]);
  });

  it('When nothing is set, then the seed policy applies at time scale 1', () => {
    const config = loadConfig({}, [], 2);

    expect(config.scaled).toEqual({ timing: seedTiming, raised: [] });
  });
});

describe('The configuration', () => {
  it('When the machine has 2 CPUs and a replica gets 0.25, then the maximum of 20 is capped at 8', () => {
    const config = loadConfig({}, [], 2);

    expect(config).toMatchObject({ machineMaxReplicas: 8, maxReplicas: 8 });
  });

  it('When settings contradict each other, then every problem is named at once', () => {
    const load = () =>
      loadConfig(
        {
          AUTOSCALER_MIN_REPLICAS: '5',
          AUTOSCALER_MAX_REPLICAS: '3',
          AUTOSCALER_SCALE_IN_BELOW: '0.8',
          AUTOSCALER_ACTUATOR: 'native',
        },
        [],
        2,
      );

    expect(load).toThrow(/AUTOSCALER_MAX_REPLICAS: must be at least AUTOSCALER_MIN_REPLICAS/);
    expect(load).toThrow(/AUTOSCALER_SCALE_IN_BELOW: must be below AUTOSCALER_SCALE_OUT_ABOVE/);
    expect(load).toThrow(/AUTOSCALER_STAGE: the native actuator needs the stage/);
  });

  it('When an unknown argument is given, then the error names the one argument there is', () => {
    expect(() => loadConfig({}, ['--fast'], 2)).toThrow(/The only argument is --time-scale N/);
  });
});
