import { setTimeout as sleep } from 'node:timers/promises';
import type { HealthReport } from '@scaling/metrics';

export interface LoopOptions {
  tick: (signal: AbortSignal) => Promise<void>;
  intervalMs: number;
  signal: AbortSignal;
  /** A tick may scale (a new replica becomes healthy within 2 minutes), so it may take this long before it is stuck. */
  stuckAfterMs?: number;
  now?: () => number;
}

export interface Loop {
  /** Resolves once the signal aborts and the tick in flight has returned. */
  done: Promise<void>;
  health(): HealthReport;
}

/**
 * Ticks every `intervalMs` (measured from one tick's start to the next, so a slow tick is not followed by a
 * shorter wait) until the signal aborts.
 */
export function startLoop(options: LoopOptions): Loop {
  const { tick, intervalMs, signal } = options;
  const now = options.now ?? Date.now;
  const stuckAfterMs = options.stuckAfterMs ?? 300_000;
  let tickStartedAt: number | null = null;
  let lastTickEndedAt = now();
  let ticks = 0;

  async function run(): Promise<void> {
    while (!signal.aborted) {
      const started = now();
      tickStartedAt = started;
      await tick(signal);
      tickStartedAt = null;
      lastTickEndedAt = now();
      ticks += 1;
      await sleep(Math.max(0, started + intervalMs - now()), undefined, { signal }).catch(() => {});
    }
  }

  return {
    done: run(),
    health() {
      const at = now();
      const busyFor = tickStartedAt === null ? 0 : at - tickStartedAt;
      const idleFor = at - lastTickEndedAt;
      const healthy = !signal.aborted && busyFor < stuckAfterMs && idleFor < intervalMs + stuckAfterMs;
      return {
        healthy,
        details: {
          status: signal.aborted ? 'stopping' : healthy ? 'ok' : 'stuck',
          ticks,
          lastTickEndedAt: new Date(lastTickEndedAt).toISOString(),
          ...(tickStartedAt === null ? {} : { tickRunningForMs: busyFor }),
        },
      };
    },
  };
}
