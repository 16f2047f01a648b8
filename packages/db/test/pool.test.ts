import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createPool, isDatabaseUnavailable, poolDefaults } from '../src/index.ts';

const silentLogger = { error() {} };

/** Accepts connections and never answers, as a host whose Postgres hangs or a black-holed network path. */
let silentServer: Server;
const sockets: Socket[] = [];
beforeAll(async () => {
  silentServer = createServer((socket) => sockets.push(socket));
  await new Promise<void>((resolve) => silentServer.listen(0, '127.0.0.1', resolve));
});
afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => silentServer.close(resolve));
});

/** How long `promise` takes to reject, and its error. */
async function rejection(promise: Promise<unknown>): Promise<{ error: unknown; ms: number }> {
  const started = performance.now();
  const error = await promise.then(
    () => new Error('The promise resolved; a rejection was expected.'),
    (failure: unknown) => failure,
  );
  return { error, ms: performance.now() - started };
}

describe('createPool timeouts', () => {
  it('When no timeouts are given, then the pool gets the safe defaults', async () => {
    const pool = createPool({ connectionString: inject('databaseUrl') }, silentLogger);
    expect(pool.options).toMatchObject({
      max: poolDefaults.max,
      connectionTimeoutMillis: poolDefaults.connectTimeoutMs,
      query_timeout: poolDefaults.queryTimeoutMs,
    });
    await pool.end();
  });

  it('When the server accepts the connection but never answers, then the query fails after the connect timeout as unavailable', async () => {
    const { port } = silentServer.address() as { port: number };
    const pool = createPool(
      { connectionString: `postgres://conduit:conduit@127.0.0.1:${port}/conduit`, connectTimeoutMs: 300 },
      silentLogger,
    );
    const { error, ms } = await rejection(pool.query('SELECT 1'));
    expect(isDatabaseUnavailable(error), String(error)).toBe(true);
    expect(ms).toBeLessThan(3_000);
    await pool.end();
  });

  it('When a query gets no answer within the query timeout, then it fails as unavailable and the pool still works', async () => {
    const pool = createPool(
      { connectionString: inject('databaseUrl'), max: 1, queryTimeoutMs: 300 },
      silentLogger,
    );
    const { error, ms } = await rejection(pool.query('SELECT pg_sleep(3)'));
    expect(isDatabaseUnavailable(error), String(error)).toBe(true);
    expect(ms).toBeLessThan(2_000);
    const { rows } = await pool.query<{ one: number }>('SELECT 1 AS one');
    expect(rows).toEqual([{ one: 1 }]);
    await pool.end();
  });
});
