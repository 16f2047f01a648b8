import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stackDown, stackStatus } from '../src/index.ts';
import { fixtureStackDuringTests } from './support/fixture-stack.ts';
import { alive, fixtureStage, fixturesDir } from './support/fixture-stage.ts';

/** Varnish on 18185 -> toxiproxy's proxy `origin` on 18187 (API 18188) -> the echo service on 18186. */
const stage = fixtureStage(join(fixturesDir, 'edge', 'docker-compose.yml'), 'edge');
const edge = 'http://127.0.0.1:18185';
const toxiproxyApi = 'http://127.0.0.1:18188';
const latencyMs = 300;

const uniquePath = () => `/articles/${Date.now()}-${Math.random().toString(36).slice(2)}`;

async function timedGet(url: string): Promise<{ response: Response; elapsedMs: number }> {
  const started = performance.now();
  const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
  await response.arrayBuffer();
  return { response, elapsedMs: performance.now() - started };
}

async function toxiproxy(method: string, path: string, body?: unknown): Promise<Response> {
  const response = await fetch(`${toxiproxyApi}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  expect(response.ok, `${method} ${path}: ${response.status}`).toBe(true);
  return response;
}

describe('An edge cache and toxiproxy in the fixture stack', () => {
  const services = fixtureStackDuringTests(stage);

  it('When the stack is up, then the origin, toxiproxy and Varnish are ready', () => {
    expect(services().map((row) => [row.instance, row.kind, row.state])).toEqual([
      ['origin', 'node', 'ready'],
      ['toxiproxy', 'toxiproxy', 'ready'],
      ['edge', 'varnish', 'ready'],
    ]);
  });

  it('When a URL is asked twice through the edge, then the origin answers the first and the cache the second', async () => {
    const url = `${edge}${uniquePath()}`;
    const first = await fetch(url);
    expect(first.status).toBe(200);
    expect(first.headers.get('x-served-by')).toBe('origin');
    expect(first.headers.get('x-edge-cache')).toBe('MISS');
    const second = await fetch(url);
    expect(second.headers.get('x-edge-cache')).toBe('HIT');
    expect(await second.json()).toEqual(await first.json());
  });

  it('When Varnish runs, then it is not root and reaches the origin through toxiproxy from its rewritten VCL', () => {
    const varnish = services().find((row) => row.instance === 'edge');
    const uid = /^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${varnish?.pid}/status`, 'utf8'))?.[1];
    expect(uid).not.toBe('0');
    const vcl = readFileSync(join(stage.stateDir, 'services', 'edge', 'default.vcl'), 'utf8');
    expect(vcl).toContain('.host = "127.0.0.1";\n    .port = "18187";');
    const config = JSON.parse(
      readFileSync(join(stage.stateDir, 'services', 'toxiproxy', 'toxiproxy.json'), 'utf8'),
    );
    expect(config).toEqual([
      { name: 'origin', listen: '127.0.0.1:18187', upstream: '127.0.0.1:18186', enabled: true },
    ]);
  });

  it('When a latency toxic is added to the proxy, then a miss through the edge takes at least that long', async () => {
    await toxiproxy('POST', '/proxies/origin/toxics', {
      name: 'distance',
      type: 'latency',
      stream: 'downstream',
      attributes: { latency: latencyMs },
    });
    try {
      const miss = await timedGet(`${edge}${uniquePath()}`);
      expect(miss.response.headers.get('x-edge-cache')).toBe('MISS');
      expect(miss.elapsedMs).toBeGreaterThanOrEqual(latencyMs);
    } finally {
      await toxiproxy('DELETE', '/proxies/origin/toxics/distance');
    }
  });

  it('When the stack goes down, then Varnish, toxiproxy and the origin are gone', async () => {
    const quiet = { output: () => {} };
    const pids = (await stackStatus(stage, quiet)).flatMap((row) => [row.pid, row.supervisorPid]);
    await stackDown(stage, quiet);
    expect(pids.filter(alive)).toEqual([]);
    await expect(fetch(edge)).rejects.toThrow();
  }, 30_000);
});
