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

/** Below this the loop would only repeat Prometheus's last answer, which changes once a scrape. */
export const minimumIntervalSeconds = 1;

export interface ScaledTiming {
  timing: Timing;
  /** The durations the time scale would have made too short, raised to their floor (said in the start log). */
  raised: { name: keyof Timing; scaled: number; used: number }[];
}

/**
 * Compresses every duration by `timeScale` (10 turns the 10-minute scale-in cooldown into 1 minute), for demos and
 * tests. The windows never go below three scrapes, nor the interval below a second: those floors are reported.
 */
export function scaleTiming(base: Timing, timeScale: number): ScaledTiming {
  const floors: Record<keyof Timing, number> = {
    scaleOutWindowSeconds: minimumWindowSeconds,
    scaleInWindowSeconds: minimumWindowSeconds,
    scaleOutCooldownSeconds: 0,
    scaleInCooldownSeconds: 0,
    warmUpSeconds: 0,
    intervalSeconds: minimumIntervalSeconds,
  };
  const raised: ScaledTiming['raised'] = [];
  const timing = { ...base };
  for (const name of Object.keys(floors) as (keyof Timing)[]) {
    const scaled = base[name] / timeScale;
    timing[name] = Math.max(scaled, floors[name]);
    if (scaled < floors[name]) raised.push({ name, scaled, used: floors[name] });
  }
  return { timing, raised };
}
