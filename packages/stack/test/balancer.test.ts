import { readFileSync } from 'node:fs';
import { get } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import {
  stackDown,
  stackKill,
  stackRestart,
  stackServiceStatus,
  stackStartService,
  stackStatus,
  stackStopService,
  stackUp,
} from '../src/index.ts';
import { fixtureStackDuringTests } from './support/fixture-stack.ts';
import { alive, fixtureStage, fixturesDir } from './support/fixture-stage.ts';

/** Redis on 16497, two echo replicas (18181, 18182) behind nginx on 18180. */
const stage = fixtureStage(join(fixturesDir, 'balancer', 'docker-compose.yml'), 'balancer');
const quiet = { output: () => {} };

/** One request on a connection of its own: a reloading nginx may close idle client connections, not ours. */
function getThroughBalancer(): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    get('http://127.0.0.1:18180/anything', { agent: false }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        body += chunk;
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    }).once('error', reject);
  });
}

/** Who answered each of `count` requests through nginx (non-2xx answers count as failures). */
async function servedBy(count: number): Promise<{ instances: string[]; failures: number }> {
  const instances: string[] = [];
  let failures = 0;
  for (let request = 0; request < count; request++) {
    const { status, body } = await getThroughBalancer();
    if (status === 200) instances.push((JSON.parse(body) as { instance: string }).instance);
    else failures++;
  }
  return { instances, failures };
}

function redisCommand(port: number, command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1' }, () => socket.write(`${command}\r\n`));
    socket.once('data', (chunk) => {
      socket.end();
      resolve(chunk.toString('utf8'));
    });
    socket.once('error', reject);
  });
}

describe('nginx over replicas, and Redis, in the fixture stack', () => {
  const services = fixtureStackDuringTests(stage);

  it('When the stack is up, then each replica listens on a port of its own behind the published balancer', () => {
    expect(services().map((row) => [row.instance, row.kind, row.state, row.ports])).toEqual([
      ['cache', 'redis', 'ready', [16497]],
      ['web.1', 'node', 'ready', [18181]],
      ['web.2', 'node', 'ready', [18182]],
      ['balancer', 'nginx', 'ready', [18180]],
    ]);
  });

  it('When Redis is sent PING on its published port, then it answers PONG', async () => {
    expect(await redisCommand(16497, 'PING')).toBe('+PONG\r\n');
  });

  it('When requests go through nginx, then both replicas serve them, each under its own instance name', async () => {
    const { instances, failures } = await servedBy(10);
    expect(failures).toBe(0);
    expect(new Set(instances)).toEqual(new Set(['web.1', 'web.2']));
  });

  it('When nginx runs, then it is not root and balances over one rewritten server line per replica', () => {
    const balancer = services().find((row) => row.instance === 'balancer');
    const uid = /^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${balancer?.pid}/status`, 'utf8'))?.[1];
    expect(uid).not.toBe('0');
    const conf = readFileSync(join(stage.stateDir, 'services', 'balancer', 'nginx.conf'), 'utf8');
    expect(conf).toContain('server 127.0.0.1:18181 max_fails=1 fail_timeout=1s;');
    expect(conf).toContain('server 127.0.0.1:18182 max_fails=1 fail_timeout=1s;');
    expect(conf).toContain('listen 127.0.0.1:18180;');
  });

  it('When one replica is stopped, then nginx passes over it and every request still succeeds', async () => {
    await stackStopService(stage, 'web.2', quiet);
    const { instances, failures } = await servedBy(10);
    expect(failures).toBe(0);
    expect(new Set(instances)).toEqual(new Set(['web.1']));
  });

  it('When the stopped replica starts again, then nginx sends it requests again', async () => {
    await stackStartService(stage, 'web.2', { ...quiet, readyTimeoutMs: 10_000 });
    const seen = new Set<string>();
    const deadline = Date.now() + 10_000;
    while (!seen.has('web.2') && Date.now() < deadline) {
      for (const instance of (await servedBy(4)).instances) seen.add(instance);
      await sleep(200);
    }
    expect(seen).toEqual(new Set(['web.1', 'web.2']));
  });

  it('When a replica is SIGKILLed, then requests keep succeeding and its supervisor brings it back', async () => {
    const before = await stackServiceStatus(stage, 'web.1', quiet);
    await stackKill(stage, 'web.1', quiet);
    expect((await servedBy(6)).failures).toBe(0);
    const deadline = Date.now() + 10_000;
    let after = await stackServiceStatus(stage, 'web.1', quiet);
    while (after.state !== 'ready' && Date.now() < deadline) {
      await sleep(100);
      after = await stackServiceStatus(stage, 'web.1', quiet);
    }
    expect(after).toMatchObject({ state: 'ready', restarts: before.restarts + 1 });
  });

  it('When a replica is restarted under traffic, then the restart returns only once nginx routes to it again', async () => {
    // Requests during the restart make nginx mark the replica failed, which keeps it out for fail_timeout (1 s).
    let traffic = true;
    const background = (async () => {
      while (traffic) await getThroughBalancer().catch(() => undefined);
    })();
    const lines: string[] = [];
    try {
      await stackRestart(stage, 'web.1', { output: (line) => lines.push(line), readyTimeoutMs: 10_000 });
    } finally {
      traffic = false;
      await background;
    }
    expect(lines.some((line) => line.startsWith('web.1: back in rotation at http://127.0.0.1:18180'))).toBe(
      true,
    );
    expect((await servedBy(4)).instances).toContain('web.1');
  });

  it('When the stack is scaled to three replicas, then nginx reloads and balances over all three', async () => {
    const lines: string[] = [];
    const up = await stackUp(stage, { output: (line) => lines.push(line), scale: { web: 3 } });
    expect(up.services.map((row) => row.instance)).toEqual(['cache', 'web.1', 'web.2', 'web.3', 'balancer']);
    expect(lines).toContain('balancer: configuration changed, reloaded (SIGHUP)');
    const seen = new Set<string>();
    const deadline = Date.now() + 10_000;
    while (seen.size < 3 && Date.now() < deadline) {
      for (const instance of (await servedBy(6)).instances) seen.add(instance);
    }
    expect(seen).toEqual(new Set(['web.1', 'web.2', 'web.3']));
    expect((await stackStatus(stage, quiet)).map((row) => row.instance)).toContain('web.3');
  }, 60_000);

  it('When the stack goes down, then no replica, balancer or supervisor is left', async () => {
    const pids = (await stackStatus(stage, quiet)).flatMap((row) => [row.pid, row.supervisorPid]);
    expect(pids.filter(alive).length).toBeGreaterThan(0);
    await stackDown(stage, quiet);
    expect(pids.filter(alive)).toEqual([]);
  }, 30_000);
});
