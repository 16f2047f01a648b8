import { once } from 'node:events';
import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll } from 'vitest';

/**
 * A local HTTP server answering with `handler` for the tests of the enclosing `describe`: started before them,
 * closed after them (open keep-alive connections too, so the close does not wait for them to time out).
 */
export function serveDuringTests(handler: RequestListener): { readonly baseUrl: string } {
  const server = createServer(handler);
  let baseUrl = '';
  beforeAll(async () => {
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  return {
    get baseUrl() {
      return baseUrl;
    },
  };
}
