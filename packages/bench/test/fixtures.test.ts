import { describe, expect, it } from 'vitest';
import { prepareFixtures } from '../src/fixtures.ts';
import { serveDuringTests } from './test-server.ts';

describe('prepareFixtures against an API that throttles logins', () => {
  let throttledLogins = 1;
  const server = serveDuringTests((request, response) => {
    if (request.method === 'GET') {
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"article":{}}');
      return;
    }
    request.resume();
    if (throttledLogins-- > 0) {
      response
        .writeHead(429, { 'content-type': 'application/json', 'retry-after': '1' })
        .end('{"errors":{"login":["has been tried too often from this address"]}}');
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json' }).end('{"user":{"token":"seeded-token"}}');
  });

  it('When a login is answered 429 with Retry-After, then it waits that long and logs in on the retry', async () => {
    const startedAt = Date.now();
    const fixtures = await prepareFixtures({ baseUrl: server.baseUrl, seed: 1, scale: 1, users: 2 });
    expect(fixtures.tokens).toEqual(['seeded-token', 'seeded-token']);
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(1_000);
  });
});
