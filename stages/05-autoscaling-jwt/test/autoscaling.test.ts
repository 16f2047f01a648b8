import { sampleSum, scrape } from '@scaling/metrics/testing';
import { ask, asUser, eventually, underLoad } from '@scaling/testing';
import { describe, expect, it } from 'vitest';
import { autoscalerMetricsUrl, readyAppReplicas, signUp, useStage5 } from './support/booted-stage.ts';

const stage = useStage5();

/** How many times the autoscaler has scaled the app out and in since it started, from its own metrics. */
async function scaleEvents(): Promise<{ out: number; in: number }> {
  const metrics = await scrape(autoscalerMetricsUrl());
  const events = (direction: string) =>
    sampleSum(metrics, 'autoscaler_scale_events_total', { service: 'app', direction });
  return { out: events('out'), in: events('in') };
}

/** Waits until the native runner reports `check` true of the ready app replicas; returns how many there were. */
function replicasUntil(check: (count: number) => boolean, timeoutMs: number): Promise<number> {
  return eventually(
    async () => {
      const count = (await readyAppReplicas()).length;
      expect(check(count), `${count} app replicas ready`).toBe(true);
      return count;
    },
    { timeoutMs, intervalMs: 1000 },
  );
}

describe('Stage 5 booted natively: the autoscaler, its clock 40 times faster', () => {
  it('When signed-in reads push the app replicas past 70% of their CPU, then the autoscaler adds replicas, and once the load is gone removes them down to the minimum, with no failed request throughout', async () => {
    const { token } = await signUp(stage.apiUrl());
    // The edge passes every signed-in read to the origin (the answer is the reader's own), so each costs an app
    // replica CPU: verifying the token, the viewer's flags over the list.
    const read = async () =>
      (await ask(stage.apiUrl(), '/articles?limit=20', { headers: asUser(token) })).status;
    await replicasUntil((count) => count === 2, 60_000);
    const before = await scaleEvents();

    let most = 2;
    const spike = await underLoad(48, read, async () => {
      most = await replicasUntil((count) => count > 2, 60_000);
    });
    // A trickle goes on while the replicas leave, so each one's drain is tested with requests in flight.
    const calm = await underLoad(2, read, () => replicasUntil((count) => count === 2, 90_000).then(() => {}));

    expect(spike.length).toBeGreaterThan(100);
    expect([...spike, ...calm].filter((status) => status !== 200)).toEqual([]);
    expect(most).toBeGreaterThan(2);
    // The autoscaler counts a scaling once the runner has finished it, a moment after the replica is gone.
    await eventually(async () => {
      const after = await scaleEvents();
      expect(after.out).toBeGreaterThan(before.out);
      expect(after.in).toBeGreaterThan(before.in);
    });
  }, 200_000);
});
