/** A stretch of an open-model load whose arrival rate goes linearly from `requestsPerSecond` to `toRequestsPerSecond`. */
export interface RatePhase {
  /** Names the phase in reports, e.g. "spike" or "hold". */
  name: string;
  seconds: number;
  requestsPerSecond: number;
  /** Where the rate ends; without it the rate stays constant through the phase. */
  toRequestsPerSecond?: number;
}

/** When each request of an open-model run is due: request n at `dueAtMs(n)`, for n below `total`. */
export interface ArrivalSchedule {
  total: number;
  durationMs: number;
  /** The highest rate anywhere in the schedule: the generator's clock must tick faster than its arrivals. */
  peakRequestsPerSecond: number;
  dueAtMs(index: number): number;
}

/** Evenly spaced arrivals at a fixed rate: request n is due at n / rate. */
export function constantArrivals(requestsPerSecond: number, durationSeconds: number): ArrivalSchedule {
  const interval = 1000 / requestsPerSecond;
  const total = Math.floor(durationSeconds * requestsPerSecond);
  return {
    total,
    durationMs: total * interval,
    peakRequestsPerSecond: requestsPerSecond,
    dueAtMs: (index) => index * interval,
  };
}

/**
 * Arrivals following a piecewise-linear rate: request n is due when the rate's integral since the start reaches n,
 * solved exactly within each phase (a quadratic on a ramp), so a ramp from 40 to 400 req/s over 10 s sends 2,200
 * requests, spaced ever closer.
 */
export function phasedArrivals(phases: RatePhase[]): ArrivalSchedule {
  const due: number[] = [];
  let phaseStartMs = 0;
  // Arrivals owed since the start, fractional: a phase picks up where the previous one's integral stopped.
  let arrivedBefore = 0;
  for (const phase of phases) {
    if (phase.seconds <= 0 || phase.requestsPerSecond < 0 || (phase.toRequestsPerSecond ?? 0) < 0) {
      throw new Error(
        `The load phase "${phase.name}" needs a positive duration and rates of zero or more; it has ${phase.seconds} s at ${phase.requestsPerSecond} req/s.`,
      );
    }
    const from = phase.requestsPerSecond;
    const to = phase.toRequestsPerSecond ?? from;
    const slope = (to - from) / phase.seconds;
    const arrivals = from * phase.seconds + (slope * phase.seconds ** 2) / 2;
    for (let index = Math.ceil(arrivedBefore); index < arrivedBefore + arrivals; index++) {
      const owed = index - arrivedBefore;
      const seconds =
        slope === 0 ? owed / from : (-from + Math.sqrt(Math.max(0, from * from + 2 * slope * owed))) / slope;
      due.push(phaseStartMs + seconds * 1000);
    }
    arrivedBefore += arrivals;
    phaseStartMs += phase.seconds * 1000;
  }
  return {
    total: due.length,
    durationMs: phaseStartMs,
    peakRequestsPerSecond: Math.max(
      ...phases.map((phase) => Math.max(phase.requestsPerSecond, phase.toRequestsPerSecond ?? 0)),
    ),
    dueAtMs: (index) => due[index] as number,
  };
}

/** Where each phase begins and ends, in ms since the load started. */
export function phaseBoundaries(phases: RatePhase[]): { name: string; fromMs: number; toMs: number }[] {
  let fromMs = 0;
  return phases.map((phase) => {
    const boundary = { name: phase.name, fromMs, toMs: fromMs + phase.seconds * 1000 };
    fromMs = boundary.toMs;
    return boundary;
  });
}
