import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decideReplicas, decideWorkers, initialState, recordScaling } from '../src/policy.ts';
import {
  arbitraryMoment,
  arbitraryPolicy,
  arbitrarySample,
  buildReplicaPolicy,
  buildSample,
  buildWorkerPolicy,
} from './factories.ts';

const now = Date.parse('2026-11-30T12:00:00Z');
const secondsAgo = (seconds: number) => now - seconds * 1000;

const arbitraryCase = fc.record({
  policy: arbitraryPolicy,
  moment: arbitraryMoment,
  replicas: fc.integer({ min: 0, max: 40 }),
  samples: fc.array(arbitrarySample, { maxLength: 25 }),
});

describe('The CPU policy of the API replicas', () => {
  it('When anything is observed, then the desired count is never below the minimum nor above the maximum', () => {
    fc.assert(
      fc.property(arbitraryCase, ({ policy, moment, replicas, samples }) => {
        const decision = decideReplicas(policy, moment.state, { replicas, samples }, moment.now);

        expect(decision.desired).toBeGreaterThanOrEqual(policy.minReplicas);
        expect(decision.desired).toBeLessThanOrEqual(policy.maxReplicas);
      }),
    );
  });

  it('When a cooldown still runs, then the service does not scale in that direction (unless outside its bounds)', () => {
    fc.assert(
      fc.property(arbitraryCase, ({ policy, moment, replicas, samples }) => {
        const decision = decideReplicas(policy, moment.state, { replicas, samples }, moment.now);
        const since = (at: number | null) =>
          at === null ? Number.POSITIVE_INFINITY : (moment.now - at) / 1000;
        const sinceAny = Math.min(since(moment.state.lastScaleOutAt), since(moment.state.lastScaleInAt));

        if (decision.reason === 'below-minimum' || decision.reason === 'above-maximum') return;
        if (since(moment.state.lastScaleOutAt) < policy.scaleOutCooldownSeconds) {
          expect(decision.direction).not.toBe('out');
        }
        if (sinceAny < policy.scaleInCooldownSeconds) expect(decision.direction).not.toBe('in');
      }),
    );
  });

  it('When a replica younger than the warm-up is added, then the averages stay and it causes no scaling', () => {
    fc.assert(
      fc.property(arbitraryCase, arbitrarySample, ({ policy, moment, replicas, samples }, young) => {
        fc.pre(policy.warmUpSeconds > 0);
        const warming = { ...young, ageSeconds: young.ageSeconds % policy.warmUpSeconds };
        const without = decideReplicas(policy, moment.state, { replicas, samples }, moment.now);

        const withIt = decideReplicas(
          policy,
          moment.state,
          { replicas, samples: [...samples, warming] },
          moment.now,
        );

        expect(withIt.measured.outUtilization).toBe(without.measured.outUtilization);
        expect(withIt.measured.inUtilization).toBe(without.measured.inUtilization);
        // It may hold back a scale-in (the average then leaves part of the service out), never start one.
        expect([without.direction, 'hold']).toContain(withIt.direction);
        if (withIt.direction !== 'hold') expect(withIt.desired).toBe(without.desired);
      }),
    );
  });

  it('When the service scales in, then by one replica at a time (unless above its maximum)', () => {
    fc.assert(
      fc.property(arbitraryCase, ({ policy, moment, replicas, samples }) => {
        const decision = decideReplicas(policy, moment.state, { replicas, samples }, moment.now);

        if (decision.direction === 'in' && decision.reason !== 'above-maximum') {
          expect(decision.desired).toBe(replicas - 1);
        }
      }),
    );
  });

  it('When the service scales out on CPU, then in proportion to the load: the fewest replicas that bring it to the target', () => {
    fc.assert(
      fc.property(arbitraryCase, ({ policy, moment, replicas, samples }) => {
        const decision = decideReplicas(policy, moment.state, { replicas, samples }, moment.now);
        if (decision.reason !== 'cpu-above-target' || decision.direction !== 'out') return;
        const needed = (replicas * (decision.measured.outUtilization as number)) / policy.scaleOutAbove;

        expect(decision.desired).toBeGreaterThan(replicas);
        if (decision.desired < policy.maxReplicas) {
          expect(decision.desired).toBeGreaterThanOrEqual(needed);
          expect(decision.desired - 1).toBeLessThan(needed);
        } else {
          expect(decision.desired).toBe(policy.maxReplicas);
        }
      }),
    );
  });

  it('When 2 warm replicas average 140% of their quota against a 70% target, then it scales out to 4', () => {
    const samples = [buildSample({ utilization: 1.2 }), buildSample({ utilization: 1.6 })];

    const decision = decideReplicas(buildReplicaPolicy(), initialState, { replicas: 2, samples }, now);

    expect(decision).toMatchObject({ direction: 'out', current: 2, desired: 4, reason: 'cpu-above-target' });
    expect(decision.detail).toBe('CPU averages 140% of the quota, above the 70% target: scaling out to 4.');
  });

  it('When only the new replicas report CPU, then it holds until one is past the warm-up', () => {
    const samples = [
      buildSample({ ageSeconds: 30, utilization: 2 }),
      buildSample({ ageSeconds: 119, utilization: 2 }),
    ];

    const decision = decideReplicas(buildReplicaPolicy(), initialState, { replicas: 2, samples }, now);

    expect(decision).toMatchObject({ direction: 'hold', desired: 2, reason: 'no-warm-replica' });
  });

  it('When CPU stays low but the last scale-out was 5 minutes ago, then it holds for the 10-minute scale-in cooldown', () => {
    const samples = [
      buildSample({ utilization: 0.1 }),
      buildSample({ utilization: 0.1 }),
      buildSample({ utilization: 0.1 }),
    ];
    const state = { ...initialState, lastScaleOutAt: secondsAgo(300) };

    const decision = decideReplicas(buildReplicaPolicy(), state, { replicas: 3, samples }, now);

    expect(decision).toMatchObject({ direction: 'hold', reason: 'scale-in-cooldown' });
  });

  it('When CPU stays low after the cooldown, then it scales in by one and the next scale-in waits again', () => {
    const policy = buildReplicaPolicy();
    const samples = [
      buildSample({ utilization: 0.1 }),
      buildSample({ utilization: 0.1 }),
      buildSample({ utilization: 0.1 }),
    ];
    const state = { ...initialState, lastScaleOutAt: secondsAgo(601) };

    const first = decideReplicas(policy, state, { replicas: 3, samples }, now);
    const next = decideReplicas(
      policy,
      recordScaling(state, first, now),
      { replicas: 3, samples },
      now + 1_000,
    );

    expect(first).toMatchObject({ direction: 'in', current: 3, desired: 2, reason: 'cpu-below-target' });
    expect(next).toMatchObject({ direction: 'hold', reason: 'scale-in-cooldown' });
  });

  it('When fewer replicas than the minimum run, then it restores the minimum at once, cooldown or not', () => {
    const state = { lastScaleOutAt: secondsAgo(1), lastScaleInAt: secondsAgo(1) };

    const decision = decideReplicas(
      buildReplicaPolicy(),
      state,
      { replicas: 1, samples: [buildSample()] },
      now,
    );

    expect(decision).toMatchObject({ direction: 'out', desired: 2, reason: 'below-minimum' });
  });
});

describe('The backlog policy of the workers', () => {
  it('When anything is observed, then the desired workers stay within their bounds', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10 }),
        fc.option(fc.integer({ min: 0, max: 100_000 }), { nil: null }),
        arbitraryMoment,
        (replicas, backlog, moment) => {
          const policy = buildWorkerPolicy();

          const decision = decideWorkers(policy, moment.state, { replicas, backlog }, moment.now);

          expect(decision.desired).toBeGreaterThanOrEqual(policy.minReplicas);
          expect(decision.desired).toBeLessThanOrEqual(policy.maxReplicas);
        },
      ),
    );
  });

  it('When 350 jobs wait for 1 worker at 100 jobs each, then it scales out to 4 workers', () => {
    const decision = decideWorkers(buildWorkerPolicy(), initialState, { replicas: 1, backlog: 350 }, now);

    expect(decision).toMatchObject({ direction: 'out', desired: 4, reason: 'backlog-above-capacity' });
  });

  it('When the queue is empty with 3 workers, then it scales in by one', () => {
    const decision = decideWorkers(buildWorkerPolicy(), initialState, { replicas: 3, backlog: 0 }, now);

    expect(decision).toMatchObject({ direction: 'in', desired: 2, reason: 'backlog-below-capacity' });
  });

  it('When no worker reports the queue, then it holds', () => {
    const decision = decideWorkers(buildWorkerPolicy(), initialState, { replicas: 2, backlog: null }, now);

    expect(decision).toMatchObject({ direction: 'hold', desired: 2, reason: 'no-backlog-reading' });
  });
});
