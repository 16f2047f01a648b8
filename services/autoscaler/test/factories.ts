import fc from 'fast-check';
import type { ReplicaPolicy, ReplicaSample, WorkerPolicy } from '../src/policy.ts';

/** The seed's policy at time scale 1. */
export function buildReplicaPolicy(overrides: Partial<ReplicaPolicy> = {}): ReplicaPolicy {
  return {
    minReplicas: 2,
    maxReplicas: 20,
    scaleOutAbove: 0.7,
    scaleInBelow: 0.3,
    scaleOutCooldownSeconds: 180,
    scaleInCooldownSeconds: 600,
    warmUpSeconds: 120,
    ...overrides,
  };
}

export function buildWorkerPolicy(overrides: Partial<WorkerPolicy> = {}): WorkerPolicy {
  return {
    minReplicas: 1,
    maxReplicas: 4,
    jobsPerWorker: 100,
    scaleOutCooldownSeconds: 180,
    scaleInCooldownSeconds: 600,
    ...overrides,
  };
}

let instances = 0;

/** A replica past its warm-up unless told otherwise, at `utilization` over both windows. */
export function buildSample(
  overrides: Partial<ReplicaSample> & { utilization?: number } = {},
): ReplicaSample {
  const { utilization = 0.5, ...rest } = overrides;
  instances += 1;
  return {
    instance: `10.0.0.${instances}:9464`,
    ageSeconds: 3_600,
    outUtilization: utilization,
    inUtilization: utilization,
    ...rest,
  };
}

export const arbitraryPolicy = fc
  .record({
    minReplicas: fc.integer({ min: 1, max: 10 }),
    extra: fc.integer({ min: 0, max: 20 }),
    scaleInBelow: fc.double({ min: 0.05, max: 0.45, noNaN: true }),
    gap: fc.double({ min: 0.05, max: 0.5, noNaN: true }),
    scaleOutCooldownSeconds: fc.integer({ min: 1, max: 600 }),
    scaleInCooldownSeconds: fc.integer({ min: 1, max: 1_200 }),
    warmUpSeconds: fc.integer({ min: 0, max: 300 }),
  })
  .map(
    ({ minReplicas, extra, scaleInBelow, gap, ...rest }): ReplicaPolicy => ({
      minReplicas,
      maxReplicas: minReplicas + extra,
      scaleInBelow,
      scaleOutAbove: scaleInBelow + gap,
      ...rest,
    }),
  );

const utilization = fc.option(fc.double({ min: 0, max: 4, noNaN: true }), { nil: null, freq: 10 });

export const arbitrarySample = fc.record({
  instance: fc.ipV4().map((address) => `${address}:9464`),
  ageSeconds: fc.double({ min: 0, max: 7_200, noNaN: true }),
  outUtilization: utilization,
  inUtilization: utilization,
});

/** Epoch ms around now, and a state whose last scalings fall anywhere in the hour before it (or never). */
export const arbitraryMoment = fc.integer({ min: 1_700_000_000_000, max: 1_900_000_000_000 }).chain((now) =>
  fc.record({
    now: fc.constant(now),
    state: fc.record({
      lastScaleOutAt: fc.option(fc.integer({ min: now - 3_600_000, max: now }), { nil: null }),
      lastScaleInAt: fc.option(fc.integer({ min: now - 3_600_000, max: now }), { nil: null }),
    }),
  }),
);
