import { setTimeout as sleep } from 'node:timers/promises';
import { metricBy, scrapeApps } from './app-metrics.ts';
import type { AppInstance } from './stage-services.ts';
import { markdownTable } from './table.ts';

/** What the app replicas said about the database replicas at one moment (their /metrics). */
export interface RotationSample {
  /** ms since the watch started (started just before the drill's load, so on the load's clock within a few ms). */
  atMs: number;
  /** Per app replica, per database replica: 1 in rotation, 0 out; missing while the app did not answer. */
  inRotation: Record<string, Record<string, number>>;
  /** Per app replica, per database replica: db_replica_lag_seconds. */
  lagSeconds: Record<string, Record<string, number>>;
  /** db_reads_total summed over the app replicas, by target (primary, replica-1, ...). */
  reads: Record<string, number>;
}

/** Polls every app replica's metrics until stopped. */
export function watchRotation(apps: AppInstance[], intervalMs = 250) {
  const samples: RotationSample[] = [];
  const started = performance.now();
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const atMs = performance.now() - started;
      const scraped = await scrapeApps(apps, Math.max(200, intervalMs));
      const sample: RotationSample = { atMs, inRotation: {}, lagSeconds: {}, reads: {} };
      for (const [app, metrics] of Object.entries(scraped)) {
        if (metrics.length === 0) continue;
        sample.inRotation[app] = metricBy(metrics, 'db_replica_in_rotation', 'replica');
        sample.lagSeconds[app] = metricBy(metrics, 'db_replica_lag_seconds', 'replica');
        for (const [target, count] of Object.entries(metricBy(metrics, 'db_reads_total', 'target'))) {
          sample.reads[target] = (sample.reads[target] ?? 0) + count;
        }
      }
      samples.push(sample);
      await sleep(intervalMs);
    }
  })();
  return {
    samples,
    async stop(): Promise<RotationSample[]> {
      stopped = true;
      await loop;
      return samples;
    },
  };
}

/** The app's name for a database replica: the n-th (from 0) of the names the apps report, in order. */
export function replicaLabel(samples: RotationSample[], index: number): string | undefined {
  const names = new Set<string>();
  for (const sample of samples) {
    for (const replicas of Object.values(sample.inRotation))
      for (const name of Object.keys(replicas)) names.add(name);
  }
  return [...names].sort()[index];
}

/** Whether every app that answered had `replica` in (1) or out (0) of rotation in this sample. */
export function everyApp(sample: RotationSample, replica: string, state: 0 | 1): boolean {
  const states = Object.values(sample.inRotation).map((replicas) => replicas[replica]);
  return states.length > 0 && states.every((value) => value === state);
}

/** The first sample at or after `fromMs` where `test` holds; its time in ms, or undefined. */
export function firstSampleAt(
  samples: RotationSample[],
  fromMs: number,
  test: (sample: RotationSample) => boolean,
): number | undefined {
  return samples.find((sample) => sample.atMs >= fromMs && test(sample))?.atMs;
}

/** Reads that ran on `target` between two moments (db_reads_total growth over the app replicas). */
export function readsBetween(
  samples: RotationSample[],
  target: string,
  fromMs: number,
  toMs: number,
): number {
  const inWindow = samples.filter((sample) => sample.atMs >= fromMs && sample.atMs <= toMs);
  const first = inWindow[0]?.reads[target] ?? 0;
  const last = inWindow[inWindow.length - 1]?.reads[target] ?? first;
  return Math.max(0, last - first);
}

/** Per second: how many app replicas had each database replica in rotation, its worst lag, and reads per target. */
export function renderRotationTimeline(samples: RotationSample[], marks: Record<number, string>): string {
  const replicas = [
    ...new Set(samples.flatMap((sample) => Object.values(sample.inRotation).flatMap(Object.keys))),
  ].sort();
  const targets = [...new Set(samples.flatMap((sample) => Object.keys(sample.reads)))].sort();
  const rows: string[][] = [];
  let previous: RotationSample | undefined;
  for (let second = 0; ; second++) {
    const inSecond = samples.filter((sample) => Math.floor(sample.atMs / 1000) === second);
    const last = inSecond[inSecond.length - 1];
    if (!last) {
      if (samples.some((sample) => sample.atMs >= second * 1000)) continue;
      break;
    }
    rows.push([
      String(second),
      ...replicas.map((replica) => {
        const states = Object.values(last.inRotation).map((byReplica) => byReplica[replica]);
        return `${states.filter((state) => state === 1).length}/${states.length}`;
      }),
      ...replicas.map((replica) =>
        Math.max(0, ...Object.values(last.lagSeconds).map((byReplica) => byReplica[replica] ?? 0)).toFixed(2),
      ),
      ...targets.map((target) =>
        String(Math.max(0, (last.reads[target] ?? 0) - (previous?.reads[target] ?? last.reads[target] ?? 0))),
      ),
      marks[second] ?? '',
    ]);
    previous = last;
  }
  return markdownTable(
    [
      's',
      ...replicas.map((replica) => `${replica} in rotation (apps)`),
      ...replicas.map((replica) => `${replica} lag s (worst app)`),
      ...targets.map((target) => `reads on ${target}`),
      '',
    ],
    rows,
  );
}

/**
 * Waits until every app has `replica` in rotation in a sample taken after `afterMs` (on the watch's clock); false
 * when that did not happen within `timeoutMs`.
 */
export async function waitUntilInRotation(
  samples: RotationSample[],
  replica: string | undefined,
  afterMs: number,
  timeoutMs: number,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (replica !== undefined && Date.now() < deadline) {
    const last = samples[samples.length - 1];
    if (last && last.atMs > afterMs && everyApp(last, replica, 1)) return true;
    await sleep(100);
  }
  return false;
}

/** The drill report's section on what the apps saw of the database replicas. */
export function rotationSection(
  samples: RotationSample[],
  marks: Record<number, string>,
): { title: string; body: string } {
  return {
    title: 'Database replicas as the apps saw them, per second',
    body:
      "From each app replica's /metrics every 250 ms (the last sample of each second): how many apps had each " +
      'database replica in rotation, the worst lag an app reported, and the reads that ran on each target in that ' +
      `second.\n\n${renderRotationTimeline(samples, marks)}`,
  };
}
