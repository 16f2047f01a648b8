import { compareLsn } from '@scaling/db';

interface Sample {
  lsn: string;
  atMs: number;
}

/**
 * When the primary was first seen at each WAL position, from the poller's samples, to turn a replica's replay
 * position into seconds: a replica that has not replayed the primary's position of time t is missing what was
 * committed by t, so it lags at least now - t. Only a position's first sighting is kept (an idle primary adds
 * nothing), back to `keepMs`; a replica behind every kept sample is reported as lagging by the oldest one's age,
 * which is a floor, and already past any sensible rotation bound.
 */
export class PrimaryLsnHistory {
  readonly #samples: Sample[] = [];
  readonly #keepMs: number;

  constructor(keepMs: number) {
    this.#keepMs = keepMs;
  }

  record(lsn: string, atMs: number): void {
    const latest = this.#samples.at(-1);
    if (!latest || compareLsn(lsn, latest.lsn) > 0) this.#samples.push({ lsn, atMs });
    while (this.#samples.length > 1 && atMs - (this.#samples[0] as Sample).atMs > this.#keepMs) {
      this.#samples.shift();
    }
  }

  /** The primary's latest sampled position, or null before the first sample. */
  latest(): string | null {
    return this.#samples.at(-1)?.lsn ?? null;
  }

  /** Seconds since the primary first had WAL past `replayLsn`; 0 when the replica has replayed every sample. */
  lagSeconds(replayLsn: string, nowMs: number): number {
    // Samples only grow, so the first one past replayLsn is found by bisection: a busy minute holds hundreds.
    let low = 0;
    let high = this.#samples.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (compareLsn((this.#samples[middle] as Sample).lsn, replayLsn) > 0) high = middle;
      else low = middle + 1;
    }
    const firstMissing = this.#samples[low];
    return firstMissing ? Math.max(0, nowMs - firstMissing.atMs) / 1000 : 0;
  }
}
