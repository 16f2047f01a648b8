import { describe, expect, it } from 'vitest';
import { summarizeSessions } from '../src/experiments/sessions-behind-balancer.ts';
import type { OpenLoadResult } from '../src/open-load.ts';
import { buildOutcome, buildRequest } from './builders.ts';

const load = {} as OpenLoadResult;
const asUser = (token: string) => buildRequest({ headers: { authorization: `Token ${token}` } });

describe('summarizeSessions', () => {
  it('When some users are refused by some replicas, then the run counts refusals, users and replicas', () => {
    const side = summarizeSessions(
      [
        buildOutcome({ request: asUser('a'), servedBy: 'app.1', status: 200 }),
        buildOutcome({ request: asUser('a'), servedBy: 'app.2', status: 401 }),
        buildOutcome({ request: asUser('b'), servedBy: 'app.2', status: 200 }),
        buildOutcome({ servedBy: 'app.3', status: 200 }),
        buildOutcome({ request: asUser('b'), status: 502 }),
      ],
      ['a', 'b', 'c'],
      load,
      100,
    );
    expect(side.authenticated).toMatchObject({ ok: 2, '401': 1, 'other 5xx': 1 });
    expect(side.anonymous.ok).toBe(1);
    expect(side.users).toBe(3);
    expect(side.usersRejected).toBe(1);
    expect(side.replicas).toEqual({
      'app.1': { requests: 1, withToken: 1, unauthorized: 0 },
      'app.2': { requests: 2, withToken: 2, unauthorized: 1 },
      'app.3': { requests: 1, withToken: 0, unauthorized: 0 },
    });
    expect(side.tokenReplicas).toEqual([{ 'app.1': 1, 'app.2': 1 }, { 'app.2': 1 }, {}]);
  });
});
