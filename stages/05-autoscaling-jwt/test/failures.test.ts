import { setTimeout as sleep } from 'node:timers/promises';
import { stackStartService, stackStopService } from '@scaling/stack';
import { ask, asUser, buildUser, publish, underLoad } from '@scaling/testing';
import { describe, expect, it } from 'vitest';
import { refresh, signUp, useStage5 } from './support/booted-stage.ts';

const stage = useStage5();

describe('Stage 5 booted natively: what an outage of the Redis costs signed-in readers', () => {
  it('When the Redis stops under signed-in reads, then every read succeeds and a refresh works, while sign-ins, whose counts it keeps, are refused', async () => {
    const user = await signUp(stage.apiUrl());
    const article = await publish(stage.apiUrl(), user.token);
    const reads = ['/user', `/articles/${article.slug}`, '/articles/feed', '/articles?limit=5'];
    let next = 0;
    const read = async () => {
      next += 1;
      return (
        await ask(stage.apiUrl(), reads[next % reads.length] ?? '/user', { headers: asUser(user.token) })
      ).status;
    };
    const whileDown: { refreshed?: number; readWithRefreshed?: number; signUp?: number } = {};

    const statuses = await underLoad(4, read, async () => {
      await sleep(500);
      await stackStopService(5, 'redis');
      try {
        await sleep(1500);
        const refreshed = await refresh(stage.apiUrl(), user.refreshToken);
        whileDown.refreshed = refreshed.status;
        whileDown.readWithRefreshed = (
          await ask(stage.apiUrl(), '/user', { headers: asUser(refreshed.body.user.token) })
        ).status;
        whileDown.signUp = (
          await ask(stage.apiUrl(), '/users', { method: 'POST', body: { user: buildUser() } })
        ).status;
        await sleep(1500);
      } finally {
        await stackStartService(5, 'redis');
      }
    });

    expect(statuses.length).toBeGreaterThan(20);
    expect(statuses.filter((status) => status !== 200)).toEqual([]);
    expect(whileDown).toEqual({ refreshed: 200, readWithRefreshed: 200, signUp: 503 });
  }, 120_000);
});
