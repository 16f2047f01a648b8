import { describe, expect, it } from 'vitest';
import { fetchWaitingOutThrottle } from '../src/throttled-fetch.ts';
import { serveDuringTests } from './test-server.ts';

describe('fetchWaitingOutThrottle', () => {
  const server = serveDuringTests((request, response) => {
    request.resume();
    const retryAfter = new URL(request.url ?? '/', 'http://localhost').searchParams.get('retry-after');
    response.writeHead(429, { 'retry-after': retryAfter ?? '1' }).end();
  });

  it('When the Retry-After would take the wait past the cap, then the 429 is returned without waiting', async () => {
    const waits: number[] = [];
    const startedAt = Date.now();
    const response = await fetchWaitingOutThrottle(
      new URL('/?retry-after=120', server.baseUrl),
      {},
      { maxWaitSeconds: 90, onWait: (seconds) => waits.push(seconds) },
    );
    expect(response.status).toBe(429);
    expect(waits).toEqual([]);
    expect(Date.now() - startedAt).toBeLessThan(1_000);
  });

  it('When every answer is a 429, then it waits as asked up to the cap and then returns the 429', async () => {
    const waits: number[] = [];
    const response = await fetchWaitingOutThrottle(
      new URL('/?retry-after=1', server.baseUrl),
      {},
      { maxWaitSeconds: 2, attemptTimeoutMs: 5_000, onWait: (seconds) => waits.push(seconds) },
    );
    expect(response.status).toBe(429);
    expect(waits).toEqual([1, 1]);
  });
});
