import { execFile, spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from './support/free-port.ts';
import { type ChildToxiproxy, startChildToxiproxy } from './support/toxiproxy.ts';

const cli = new URL('../src/add-latency-cli.ts', import.meta.url).pathname;

interface Toxic {
  name: string;
  type: string;
  stream: string;
  attributes: { latency: number };
}

function runCli(env: Record<string, string>): Promise<{ code: number; output: string }> {
  return promisify(execFile)(process.execPath, [cli], {
    env: { ...process.env, ...env },
    timeout: 30_000,
  }).then(
    ({ stderr }) => ({ code: 0, output: stderr }),
    (error: { code: number; stderr: string }) => ({ code: error.code, output: error.stderr }),
  );
}

async function toxics(toxiproxy: ChildToxiproxy): Promise<Toxic[]> {
  const response = await fetch(`${toxiproxy.apiUrl}/proxies/origin/toxics`);
  return ((await response.json()) as Toxic[]).sort((a, b) => a.name.localeCompare(b.name));
}

async function roundTripMs(port: number): Promise<number> {
  const started = performance.now();
  const response = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(5_000) });
  expect(await response.text()).toBe('origin');
  return performance.now() - started;
}

describe('the edge-latency one-shot', () => {
  let origin: Server;
  let originPort: number;

  beforeAll(async () => {
    origin = createServer((_request, response) => response.end('origin'));
    originPort = await freePort();
    await new Promise<void>((resolve) => origin.listen(originPort, '127.0.0.1', resolve));
  });
  afterAll(() => new Promise((resolve) => origin.close(resolve)));

  it('When it runs twice, then the proxy origin holds one latency toxic per direction, and a round trip through it takes at least twice the latency', async () => {
    const toxiproxy = await startChildToxiproxy();
    try {
      const proxyPort = await toxiproxy.addProxy('origin', `127.0.0.1:${originPort}`);
      const env = { TOXIPROXY_URL: toxiproxy.apiUrl, EDGE_LATENCY_MS: '150' };

      const runs = [await runCli(env), await runCli(env)];

      expect(runs.map(({ code }) => code)).toEqual([0, 0]);
      expect(runs[1]?.output).toMatch(/delays each direction by 150 ms/);
      expect(
        (await toxics(toxiproxy)).map(({ name, type, stream, attributes }) => [
          name,
          type,
          stream,
          attributes.latency,
        ]),
      ).toEqual([
        ['edge-latency-downstream', 'latency', 'downstream', 150],
        ['edge-latency-upstream', 'latency', 'upstream', 150],
      ]);
      expect(await roundTripMs(proxyPort)).toBeGreaterThanOrEqual(300);
    } finally {
      await toxiproxy.stop();
    }
  });

  it('When it runs with EDGE_LATENCY_MS=0, then it removes the latency an earlier run added', async () => {
    const toxiproxy = await startChildToxiproxy();
    try {
      await toxiproxy.addProxy('origin', `127.0.0.1:${originPort}`);
      await runCli({ TOXIPROXY_URL: toxiproxy.apiUrl, EDGE_LATENCY_MS: '40' });

      const removed = await runCli({ TOXIPROXY_URL: toxiproxy.apiUrl, EDGE_LATENCY_MS: '0' });

      expect(removed.code).toBe(0);
      expect(await toxics(toxiproxy)).toEqual([]);
    } finally {
      await toxiproxy.stop();
    }
  });

  it('When toxiproxy is not up yet, then it waits, saying so, and adds the latency once the proxy exists', async () => {
    const apiPort = await freePort();
    const child = spawn(process.execPath, [cli], {
      env: { ...process.env, TOXIPROXY_URL: `http://127.0.0.1:${apiPort}`, EDGE_LATENCY_MS: '40' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let output = '';
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk;
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    await new Promise((wake) => setTimeout(wake, 1_500));
    const toxiproxy = await startChildToxiproxy(apiPort);
    try {
      await toxiproxy.addProxy('origin', `127.0.0.1:${originPort}`);

      expect(await exited).toBe(0);
      expect(output).toMatch(/Waiting for toxiproxy's proxy "origin"/);
      expect((await toxics(toxiproxy)).length).toBe(2);
    } finally {
      child.kill();
      await toxiproxy.stop();
    }
  });

  it('When EDGE_LATENCY_MS is not a number of milliseconds, then it refuses to start and says what to set', async () => {
    const run = await runCli({ TOXIPROXY_URL: 'http://127.0.0.1:1', EDGE_LATENCY_MS: '40ms' });

    expect(run.code).toBe(2);
    expect(run.output).toMatch(/EDGE_LATENCY_MS is "40ms": set it to a whole number/);
  });
});
