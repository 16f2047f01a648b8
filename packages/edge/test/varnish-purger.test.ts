import { createServer, type Server, type Socket } from 'node:net';
import { createMetricsRegistry } from '@scaling/metrics';
import { sampleSum } from '@scaling/metrics/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { surrogateKeys } from '../src/surrogate-keys.ts';
import { createVarnishPurger } from '../src/varnish-purger.ts';
import { freePort } from './support/free-port.ts';
import { type ChildVarnish, startChildVarnish } from './support/varnish.ts';

interface LogLine {
  fields: Record<string, unknown>;
  message: string;
}

function buildLog() {
  const lines: LogLine[] = [];
  return { lines, warn: (fields: object, message: string) => lines.push({ fields: { ...fields }, message }) };
}

async function failedPurges(registry: ReturnType<typeof createMetricsRegistry>): Promise<number> {
  return sampleSum(await registry.metrics(), 'edge_purge_requests_total', { result: 'failed' });
}

describe('createVarnishPurger when an edge cannot take the ban', () => {
  // Accepts connections and never answers, like an edge that hangs.
  let silent: Server;
  let silentUrl: string;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    silent = createServer((socket) => sockets.push(socket));
    const port = await freePort();
    await new Promise<void>((resolve) => silent.listen(port, '127.0.0.1', resolve));
    silentUrl = `http://127.0.0.1:${port}`;
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => silent.close(resolve));
  });

  it('When the edge refuses the connection, then purge resolves, logs which edge missed the ban, and counts the failure', async () => {
    const registry = createMetricsRegistry();
    const log = buildLog();
    const downUrl = `http://127.0.0.1:${await freePort()}`;

    await createVarnishPurger({ urls: [downUrl], timeoutMs: 1_000, log, metrics: registry }).purge([
      surrogateKeys.tags,
    ]);

    expect(await failedPurges(registry)).toBe(1);
    expect(log.lines).toHaveLength(1);
    expect(log.lines[0]?.fields).toMatchObject({ edge: downUrl, keys: 'tags' });
    expect(log.lines[0]?.message).toMatch(/purge ACL/);
  });

  it('When the edge never answers, then purge gives up after its timeout and counts the failure', async () => {
    const registry = createMetricsRegistry();

    await createVarnishPurger({ urls: [silentUrl], timeoutMs: 300, metrics: registry }).purge([
      surrogateKeys.articles,
    ]);

    expect(await failedPurges(registry)).toBe(1);
  });

  it('When there are no keys, then no edge is asked', async () => {
    const registry = createMetricsRegistry();

    await createVarnishPurger({ urls: [silentUrl], timeoutMs: 300, metrics: registry }).purge([]);

    expect(sampleSum(await registry.metrics(), 'edge_purge_requests_total')).toBe(0);
  });
});

describe('createVarnishPurger when the edge requires a purge token', () => {
  const token = 'edge-test-purge-token';
  let edge: ChildVarnish;

  beforeAll(async () => {
    // No origin: a ban never reaches it.
    edge = await startChildVarnish(
      { host: '127.0.0.1', port: await freePort() },
      { EDGE_PURGE_TOKEN: token },
    );
  });
  afterAll(() => edge?.stop());

  it('When the purger sends the token, then the edge takes the ban; without it, or with another, the edge refuses it with 403', async () => {
    const registry = createMetricsRegistry();
    const log = buildLog();

    await createVarnishPurger({ urls: [edge.url], timeoutMs: 2_000, token, metrics: registry }).purge([
      surrogateKeys.tags,
    ]);
    await createVarnishPurger({ urls: [edge.url], timeoutMs: 2_000, log, metrics: registry }).purge([
      surrogateKeys.tags,
    ]);
    const wrong = await fetch(edge.url, {
      method: 'BAN',
      headers: { 'x-purge-keys': surrogateKeys.tags, 'x-purge-token': 'guessed' },
    });

    const text = await registry.metrics();
    expect(sampleSum(text, 'edge_purge_requests_total', { result: 'ok' })).toBe(1);
    expect(sampleSum(text, 'edge_purge_requests_total', { result: 'failed' })).toBe(1);
    expect(String(log.lines[0]?.fields.err)).toMatch(/403/);
    expect(wrong.status).toBe(403);
  });
});
