/** One scraped replica: how old its process is and its CPU use over each window, as a fraction of its quota. */
export interface ReplicaSample {
  instance: string;
  ageSeconds: number;
  /** null when Prometheus has too few samples of it in that window for a rate. */
  outUtilization: number | null;
  inUtilization: number | null;
}

export interface ReplicaObservation {
  /** Replicas running now, as the actuator counts them. */
  replicas: number;
  samples: ReplicaSample[];
}

export interface WorkerObservation {
  replicas: number;
  /** Jobs ready and unclaimed; null when no worker reports the queue. */
  backlog: number | null;
}

/** When this service was last scaled, in epoch milliseconds. */
export interface ScalingState {
  lastScaleOutAt: number | null;
  lastScaleInAt: number | null;
}

export const initialState: ScalingState = { lastScaleOutAt: null, lastScaleInAt: null };

interface Bounds {
  minReplicas: number;
  maxReplicas: number;
}

interface Cooldowns {
  scaleOutCooldownSeconds: number;
  scaleInCooldownSeconds: number;
}

export interface ReplicaPolicy extends Bounds, Cooldowns {
  /** Utilization (of the CPU quota) above which the service scales out, e.g. 0.7. */
  scaleOutAbove: number;
  scaleInBelow: number;
  warmUpSeconds: number;
}

export interface WorkerPolicy extends Bounds, Cooldowns {
  jobsPerWorker: number;
}

export type DecisionReason =
  | 'below-minimum'
  | 'above-maximum'
  | 'no-warm-replica'
  | 'no-backlog-reading'
  | 'cpu-above-target'
  | 'cpu-below-target'
  | 'cpu-within-band'
  | 'backlog-above-capacity'
  | 'backlog-below-capacity'
  | 'backlog-within-capacity'
  | 'at-maximum'
  | 'at-minimum'
  | 'replicas-warming-up'
  | 'scale-out-cooldown'
  | 'scale-in-cooldown';

export interface Decision {
  direction: 'out' | 'in' | 'hold';
  current: number;
  desired: number;
  reason: DecisionReason;
  /** A sentence for the log. */
  detail: string;
  /** What the decision measured: the averages over warm replicas, or the backlog. */
  measured: Record<string, number | null>;
}

const hold = (
  current: number,
  reason: DecisionReason,
  detail: string,
  measured: Decision['measured'],
): Decision => ({
  direction: 'hold',
  current,
  desired: current,
  reason,
  detail,
  measured,
});

const secondsSince = (at: number | null, now: number) =>
  at === null ? Number.POSITIVE_INFINITY : (now - at) / 1000;

/** The latest scaling of either direction: a scale-in waits for the service to settle after a scale-out too. */
const lastScaling = (state: ScalingState) =>
  state.lastScaleOutAt === null && state.lastScaleInAt === null
    ? null
    : Math.max(state.lastScaleOutAt ?? 0, state.lastScaleInAt ?? 0);

/** Outside the bounds the service goes back inside at once, whatever the cooldowns (a replica that crashed, a new maximum). */
function boundsDecision(
  bounds: Bounds,
  current: number,
  measured: Decision['measured'],
): Decision | undefined {
  if (current < bounds.minReplicas) {
    return {
      direction: 'out',
      current,
      desired: bounds.minReplicas,
      reason: 'below-minimum',
      detail: `${current} replicas run, fewer than the minimum of ${bounds.minReplicas}.`,
      measured,
    };
  }
  if (current > bounds.maxReplicas) {
    return {
      direction: 'in',
      current,
      desired: bounds.maxReplicas,
      reason: 'above-maximum',
      detail: `${current} replicas run, more than the maximum of ${bounds.maxReplicas}.`,
      measured,
    };
  }
  return undefined;
}

/** What a rule wants before the cooldowns have their say. */
interface Proposal {
  current: number;
  desired: number;
  reason: DecisionReason;
  /** The measurement that asks for it, as the start of a sentence. */
  why: string;
  measured: Decision['measured'];
}

/** Scales out to the proposal (already within bounds) unless the scale-out cooldown still runs. */
function scaleOut(policy: Cooldowns, state: ScalingState, now: number, proposal: Proposal): Decision {
  const { current, desired, reason, why, measured } = proposal;
  const since = secondsSince(state.lastScaleOutAt, now);
  if (since < policy.scaleOutCooldownSeconds) {
    return hold(
      current,
      'scale-out-cooldown',
      `${why}, but the last scale-out was ${since.toFixed(0)} s ago (cooldown ${policy.scaleOutCooldownSeconds} s).`,
      measured,
    );
  }
  return {
    direction: 'out',
    current,
    desired,
    reason,
    detail: `${why}: scaling out to ${desired}.`,
    measured,
  };
}

/** Scales in by one, never more, so each removal is measured before the next; the proposal says why. */
function scaleInByOne(policy: Cooldowns, state: ScalingState, now: number, proposal: Proposal): Decision {
  const { current, reason, why, measured } = proposal;
  const since = secondsSince(lastScaling(state), now);
  if (since < policy.scaleInCooldownSeconds) {
    return hold(
      current,
      'scale-in-cooldown',
      `${why}, but the last scaling was ${since.toFixed(0)} s ago (cooldown ${policy.scaleInCooldownSeconds} s).`,
      measured,
    );
  }
  const desired = current - 1;
  return { direction: 'in', current, desired, reason, detail: `${why}: scaling in to ${desired}.`, measured };
}

function average(values: (number | null)[]): number | null {
  const known = values.filter((value): value is number => value !== null);
  return known.length === 0 ? null : known.reduce((sum, value) => sum + value, 0) / known.length;
}

const percent = (value: number) => `${(value * 100).toFixed(0)}%`;

/**
 * The CPU rule for the API replicas. Only replicas older than the warm-up count in the average: a new process
 * spends its first seconds compiling and filling caches, and its CPU says nothing about the load. Above the target
 * the service grows in proportion (2 replicas at 140% of a 70% target need 4); below the scale-in level it shrinks
 * by one. While a replica warms up it does not shrink: the average then leaves out part of the service.
 */
export function decideReplicas(
  policy: ReplicaPolicy,
  state: ScalingState,
  observation: ReplicaObservation,
  now: number,
): Decision {
  const current = observation.replicas;
  const warm = observation.samples.filter((sample) => sample.ageSeconds >= policy.warmUpSeconds);
  const warming = observation.samples.length - warm.length;
  const outAverage = average(warm.map((sample) => sample.outUtilization));
  const inAverage = average(warm.map((sample) => sample.inUtilization));
  const measured = {
    outUtilization: outAverage,
    inUtilization: inAverage,
    warmReplicas: warm.length,
    warmingReplicas: warming,
  };
  const outOfBounds = boundsDecision(policy, current, measured);
  if (outOfBounds) return outOfBounds;
  if (outAverage === null || inAverage === null) {
    return hold(
      current,
      'no-warm-replica',
      `No replica older than the ${policy.warmUpSeconds} s warm-up has a CPU measurement yet (${warming} warming up).`,
      measured,
    );
  }
  if (outAverage > policy.scaleOutAbove) {
    const why = `CPU averages ${percent(outAverage)} of the quota, above the ${percent(policy.scaleOutAbove)} target`;
    if (current >= policy.maxReplicas) {
      return hold(current, 'at-maximum', `${why}, but ${current} is the maximum.`, measured);
    }
    const wanted = Math.min(policy.maxReplicas, Math.ceil((current * outAverage) / policy.scaleOutAbove));
    return scaleOut(policy, state, now, {
      current,
      desired: wanted,
      reason: 'cpu-above-target',
      why,
      measured,
    });
  }
  if (inAverage < policy.scaleInBelow) {
    const why = `CPU averages ${percent(inAverage)} of the quota, below ${percent(policy.scaleInBelow)}`;
    if (current <= policy.minReplicas) {
      return hold(current, 'at-minimum', `${why}, but ${current} is the minimum.`, measured);
    }
    if (warming > 0) {
      return hold(
        current,
        'replicas-warming-up',
        `${why}, but ${warming} replicas are still warming up.`,
        measured,
      );
    }
    return scaleInByOne(policy, state, now, {
      current,
      desired: current - 1,
      reason: 'cpu-below-target',
      why,
      measured,
    });
  }
  return hold(
    current,
    'cpu-within-band',
    `CPU averages ${percent(outAverage)} (out window) and ${percent(inAverage)} (in window), between ${percent(policy.scaleInBelow)} and ${percent(policy.scaleOutAbove)}.`,
    measured,
  );
}

/** The backlog rule for the workers: enough workers for the jobs waiting, `jobsPerWorker` each. */
export function decideWorkers(
  policy: WorkerPolicy,
  state: ScalingState,
  observation: WorkerObservation,
  now: number,
): Decision {
  const current = observation.replicas;
  const { backlog } = observation;
  const measured = { backlog };
  const outOfBounds = boundsDecision(policy, current, measured);
  if (outOfBounds) return outOfBounds;
  if (backlog === null) {
    return hold(
      current,
      'no-backlog-reading',
      'No worker reports the job queue (jobs_queue_depth) yet.',
      measured,
    );
  }
  const wanted = Math.min(
    policy.maxReplicas,
    Math.max(policy.minReplicas, Math.ceil(backlog / policy.jobsPerWorker)),
  );
  const why = `${backlog} jobs wait, work for ${wanted} workers at ${policy.jobsPerWorker} each`;
  if (wanted > current) {
    return scaleOut(policy, state, now, {
      current,
      desired: wanted,
      reason: 'backlog-above-capacity',
      why,
      measured,
    });
  }
  if (wanted < current) {
    return scaleInByOne(policy, state, now, {
      current,
      desired: current - 1,
      reason: 'backlog-below-capacity',
      why,
      measured,
    });
  }
  return hold(current, 'backlog-within-capacity', `${why}: as many as run.`, measured);
}

/** The state after acting on `decision` at `now`. */
export function recordScaling(state: ScalingState, decision: Decision, now: number): ScalingState {
  if (decision.direction === 'out') return { ...state, lastScaleOutAt: now };
  if (decision.direction === 'in') return { ...state, lastScaleInAt: now };
  return state;
}
