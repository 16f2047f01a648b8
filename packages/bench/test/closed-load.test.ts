import { describe, expect, it } from 'vitest';
import { runClosedLoad } from '../src/closed-load.ts';
import { buildRequest } from './builders.ts';
import { serveDuringTests } from './test-server.ts';

describe('runClosedLoad', () => {
  let inFlight = 0;
  let mostInFlight = 0;
  const server = serveDuringTests((request, response) => {
    inFlight++;
    mostInFlight = Math.max(mostInFlight, inFlight);
    setTimeout(() => {
      inFlight--;
      response.statusCode = request.url === '/fail' ? 503 : 201;
      response.end('{}');
    }, 20);
  });

  it('When run with 4 connections, then never more than 4 requests are in flight and each answer counts by its name', async () => {
    let sent = 0;
    const result = await runClosedLoad({
      baseUrl: server.baseUrl,
      name: 'tiny',
      source: () => {
        sent++;
        return sent % 5 === 0
          ? buildRequest({ name: 'failing', path: '/fail' })
          : buildRequest({ name: 'write' });
      },
      connections: 4,
      durationSeconds: 1,
    });

    expect(mostInFlight).toBe(4);
    // About 4 connections x 1 s / 20 ms each; a slow machine answers fewer.
    expect(result.requests).toBeGreaterThan(40);
    expect(result.requests).toBeLessThanOrEqual(200);
    expect(result.non2xx).toBe(result.byRequest.failing?.requests);
    expect(result.statusCodes['201']).toBe(result.byRequest.write?.requests);
    expect(result.latencyMs.p50).toBeGreaterThanOrEqual(20);
  });
});
