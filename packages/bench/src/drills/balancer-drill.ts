import { randomBytes } from 'node:crypto';
import { readHeavyKeyed } from '@scaling/loadtests/scenarios/read-heavy-keyed';
import { loadPlan, type StackStatus, stackServiceStatus } from '@scaling/stack';
import type { DrillContext } from '../experiment.ts';
import type { SteadyLoad } from '../steady-load.ts';

// What stage 3's drills share: a steady load whose writes carry Idempotency-Keys, and the replicas behind nginx.

/** The steady load of stage 3's drills: the browsing mix with keyed POSTs, at the scenario's rate. */
export const keyedLoadRate = readHeavyKeyed.requestsPerSecond;

/** How stage 3's drill descriptions begin. */
export const keyedLoadThroughNginx = `Steady open-model load (the read-heavy mix, each POST with an Idempotency-Key, ${keyedLoadRate} req/s) through nginx`;

/** A prefix no earlier run used: Redis keeps each Idempotency-Key (and its stored answer) for a day. */
export function newKeyPrefix(): string {
  return `bench-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}

export function keyedLoad(
  context: Pick<DrillContext, 'session' | 'fixtures' | 'settings'>,
  name: string,
): SteadyLoad {
  return {
    label: `${context.session.label} ${name}`,
    baseUrl: context.session.baseUrl,
    requests: readHeavyKeyed.requests,
    fixtures: context.fixtures,
    requestsPerSecond: keyedLoadRate,
    mix: { idempotencyKeyPrefix: newKeyPrefix() },
    signal: context.settings.signal,
  };
}

/** The API's replicas as the running stack planned them: app.1, app.2, ... */
export function replicaNames(stage: number, service = 'app'): string[] {
  const planned = loadPlan(stage).services.find((candidate) => candidate.name === service);
  if (!planned || planned.instances.length < 2) {
    throw new Error(
      `Stage ${stage} runs fewer than two "${service}" replicas, so this drill has nothing to show.`,
    );
  }
  return planned.instances.map((instance) => instance.name);
}

export async function replicaStatuses(
  stage: number,
  replicas: string[],
): Promise<Record<string, StackStatus>> {
  const entries = await Promise.all(
    replicas.map(async (replica) => [replica, await stackServiceStatus(stage, replica)] as const),
  );
  return Object.fromEntries(entries);
}

/** How stage 4's drills begin: the same load, through the edge cache in front of nginx. */
export const keyedLoadThroughEdge = `Steady open-model load (the read-heavy mix, each POST with an Idempotency-Key, ${keyedLoadRate} req/s) through the edge`;
