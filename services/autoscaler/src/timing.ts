/** Every duration the controller works with, in seconds. */
export interface Timing {
  /** How far back the CPU average that triggers a scale-out looks. */
  scaleOutWindowSeconds: number;
  /** How far back the CPU average that triggers a scale-in looks. */
  scaleInWindowSeconds: number;
  /** After a scale-out, how long before the next one. */
  scaleOutCooldownSeconds: number;
  /** After any scaling, how long before a scale-in. */
  scaleInCooldownSeconds: number;
  /** How old a replica must be before its CPU counts in the average. */
  warmUpSeconds: number;
  /** How often the controller observes and decides. */
  intervalSeconds: number;
}

/** Prometheus scrapes every 5 s in every stage (packages/stack/src/prometheus-config.ts). */
export const scrapeIntervalSeconds = 5;

/** A rate() needs samples to average: a window shorter than three scrapes would measure one or two points. */
export const minimumWindowSeconds = 3 * scrapeIntervalSeconds;

/** Prometheus's answers change once a scrape: polling twice a scrape sees each new one within half its interval. */
export const minimumIntervalSeconds = scrapeIntervalSeconds / 2;

export interface ScaledTiming {
  timing: Timing;
  /** The durations the time scale would have made too short, raised to their floor (said in the start log). */
  raised: { name: keyof Timing; scaled: number; used: number }[];
}

/**
 * Compresses every duration by `timeScale` (10 turns the 10-minute scale-in cooldown into 1 minute), for demos and
 * tests. The windows never go below three scrapes, nor the interval below half a scrape; a cooldown never goes below its
 * window, or the next decision would still average samples from before the last scaling and scale again for the
 * same load. Every duration raised to its floor is reported.
 */
export function scaleTiming(base: Timing, timeScale: number): ScaledTiming {
  const raised: ScaledTiming['raised'] = [];
  const timing = { ...base };
  const scale = (name: keyof Timing, floor: number) => {
    const scaled = base[name] / timeScale;
    timing[name] = Math.max(scaled, floor);
    if (scaled < floor) raised.push({ name, scaled, used: floor });
  };
  scale('scaleOutWindowSeconds', minimumWindowSeconds);
  scale('scaleInWindowSeconds', minimumWindowSeconds);
  scale('scaleOutCooldownSeconds', timing.scaleOutWindowSeconds);
  scale('scaleInCooldownSeconds', timing.scaleInWindowSeconds);
  scale('warmUpSeconds', 0);
  scale('intervalSeconds', minimumIntervalSeconds);
  return { timing, raised };
}
