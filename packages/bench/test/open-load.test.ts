import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RequestTemplate } from '@scaling/loadtests/scenarios/types';
import { describe, expect, it } from 'vitest';
import type { Fixtures } from '../src/mix.ts';
import { type RequestOutcome, runOpenLoad } from '../src/open-load.ts';
import { buildFixtures } from './builders.ts';
import { serveDuringTests } from './test-server.ts';

const fixtures: Fixtures = buildFixtures({ slugs: ['hot', 'cold'] });

function buildRequests(): RequestTemplate[] {
  return [
    { name: 'read', weight: 3, method: 'GET', path: '/api/articles/{slug}', auth: 'none' },
    { name: 'slow', weight: 1, method: 'GET', path: '/slow', auth: 'none' },
  ];
}

describe('runOpenLoad', () => {
  let received = 0;

  const server = serveDuringTests((request, response) => {
    received++;
    const delay = request.url === '/slow' ? 150 : 0;
    setTimeout(() => {
      response.statusCode = request.url === '/slow' ? 503 : 200;
      response.setHeader('x-served-by', 'app.7');
      response.end('{}');
    }, delay);
  });

  it('When run at 50 req/s for 2 s, then 100 requests go out evenly and slow answers show in the latency', async () => {
    const outcomes: RequestOutcome[] = [];
    received = 0;
    const result = await runOpenLoad({
      baseUrl: server.baseUrl,
      name: 'tiny',
      requests: buildRequests(),
      fixtures,
      requestsPerSecond: 50,
      durationSeconds: 2,
      onOutcome: (outcome) => outcomes.push(outcome),
    });
    expect(result.model).toBe('open');
    expect(result.requestsPerSecondTarget).toBe(50);
    expect(outcomes).toHaveLength(100);
    expect(received).toBe(100);
    expect(result.requests).toBe(100);
    expect(result.errors).toBe(0);
    const due = outcomes.map((outcome) => outcome.scheduledAtMs).sort((a, b) => a - b);
    expect(due[0]).toBe(0);
    expect(due[1]).toBe(20);
    expect(due.at(-1)).toBe(1_980);
    for (const outcome of outcomes) {
      expect(outcome.servedBy).toBe('app.7');
      expect(outcome.sentAtMs).toBeGreaterThanOrEqual(outcome.scheduledAtMs);
      expect(outcome.request.name).toBe(outcome.name);
    }
    const slow = outcomes.filter((outcome) => outcome.name === 'slow');
    expect(slow.length).toBeGreaterThan(0);
    for (const outcome of slow) expect(outcome.latencyMs).toBeGreaterThanOrEqual(150);
    expect(result.statusCodes[503]).toBe(slow.length);
    expect(result.non2xx).toBe(slow.length);
    expect(result.byRequest.slow?.non2xx).toBe(slow.length);
    expect(result.latencyMs.max).toBeGreaterThanOrEqual(150);
  });

  it('When nothing listens, then every request fails with the connection error', async () => {
    const idle = createServer();
    idle.listen(0, '127.0.0.1');
    await once(idle, 'listening');
    const closedUrl = `http://127.0.0.1:${(idle.address() as AddressInfo).port}`;
    await new Promise((resolve) => idle.close(resolve));

    const result = await runOpenLoad({
      baseUrl: closedUrl,
      name: 'refused',
      requests: buildRequests(),
      fixtures,
      requestsPerSecond: 20,
      durationSeconds: 0.5,
    });
    expect(result.requests).toBe(0);
    expect(result.errors).toBe(10);
    expect(result.errorsByMessage).toEqual({ ECONNREFUSED: 10 });
  });

  it('When a request outlives the timeout, then it counts as a timeout error', async () => {
    const result = await runOpenLoad({
      baseUrl: server.baseUrl,
      name: 'timeouts',
      requests: [{ name: 'slow', weight: 1, method: 'GET', path: '/slow', auth: 'none' }],
      fixtures,
      requestsPerSecond: 10,
      durationSeconds: 0.3,
      timeoutMs: 50,
    });
    expect(result.errors).toBe(3);
    expect(result.timeouts).toBe(3);
    expect(result.errorsByMessage).toEqual({ 'timeout after 50 ms': 3 });
  });

  it('When the rate rises in phases, then each phase sends what its rate integrates to, later ones closer together', async () => {
    const outcomes: RequestOutcome[] = [];
    const result = await runOpenLoad({
      baseUrl: server.baseUrl,
      name: 'spike',
      requests: [{ name: 'read', weight: 1, method: 'GET', path: '/api/articles/{slug}', auth: 'none' }],
      fixtures,
      phases: [
        { name: 'low', seconds: 0.5, requestsPerSecond: 20 },
        { name: 'ramp', seconds: 0.5, requestsPerSecond: 20, toRequestsPerSecond: 100 },
        { name: 'high', seconds: 0.5, requestsPerSecond: 100 },
      ],
      onOutcome: (outcome) => outcomes.push(outcome),
    });
    // 10 + (20 + 100) / 2 x 0.5 + 50 = 90 arrivals over 1.5 s.
    expect(result.requests).toBe(90);
    expect(result.durationSeconds).toBe(1.5);
    expect(result.requestsPerSecondTarget).toBe(60);
    const due = outcomes.map((outcome) => outcome.scheduledAtMs).sort((a, b) => a - b);
    expect(due.filter((ms) => ms < 500)).toHaveLength(10);
    expect(due.filter((ms) => ms >= 1_000)).toHaveLength(50);
    expect(due[1]).toBeCloseTo(50, 6);
    expect((due.at(-1) as number) - (due.at(-2) as number)).toBeCloseTo(10, 6);
  });
});
