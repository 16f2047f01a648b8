import { afterAll, describe, expect, it } from 'vitest';
import { buildTestApp } from './support/test-app.ts';

let lagSeconds = 0.25;
const app = await buildTestApp({ healthDetails: () => ({ replicas: [{ name: 'replica-1', lagSeconds }] }) });
afterAll(() => app.close());

describe('health details', () => {
  it('When a stage reports details, then the liveness body carries them as they are at each call', async () => {
    const before = await app.inject({ url: '/api/health' });
    lagSeconds = 1.5;
    const after = await app.inject({ url: '/api/health' });

    expect([before.statusCode, before.json(), after.json()]).toEqual([
      200,
      { status: 'ok', replicas: [{ name: 'replica-1', lagSeconds: 0.25 }] },
      { status: 'ok', replicas: [{ name: 'replica-1', lagSeconds: 1.5 }] },
    ]);
  });
});
