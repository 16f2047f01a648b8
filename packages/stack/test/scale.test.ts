import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type StackStatus, stackScale, stackStatus } from '../src/index.ts';
import { cgroupDirOf, cgroupsEnforced } from './support/cgroup-files.ts';
import { fixtureStackDuringTests } from './support/fixture-stack.ts';
import { alive, fixtureStage, fixturesDir } from './support/fixture-stage.ts';

/** nginx on 18170 over echo replicas on 18171.., which it never retries on another replica (proxy_next_upstream off). */
const stage = fixtureStage(join(fixturesDir, 'scale', 'docker-compose.yml'), 'scale');
const quiet = { output: () => {} };

/**
 * One request on a connection of its own, as the balancer test sends them: an nginx worker leaving after a reload
 * closes its idle keep-alive connections, which a client reusing one would see as a reset that the stack did not cause.
 */
function servedBy(): Promise<string | null> {
  return new Promise((resolve) => {
    get('http://127.0.0.1:18170/work', { agent: false, timeout: 5000 }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        body += chunk;
      });
      response.on('end', () =>
        resolve(response.statusCode === 200 ? (JSON.parse(body) as { instance: string }).instance : null),
      );
    }).once('error', () => resolve(null));
  });
}

/** Requests from `clients` loops until stopped: how many were sent, how many failed, who answered. */
function continuousLoad(clients: number) {
  const tally = { sent: 0, failed: 0, servedBy: new Set<string>() };
  let running = true;
  const loops = Array.from({ length: clients }, async () => {
    while (running) {
      const instance = await servedBy();
      tally.sent++;
      if (instance === null) tally.failed++;
      else tally.servedBy.add(instance);
    }
  });
  return {
    tally,
    /** Starts counting who answers afresh. */
    resetServedBy: () => tally.servedBy.clear(),
    stop: async () => {
      running = false;
      await Promise.all(loops);
      return tally;
    },
  };
}

async function instancesAnswering(expected: number, timeoutMs = 10_000): Promise<Set<string>> {
  const seen = new Set<string>();
  const deadline = Date.now() + timeoutMs;
  while (seen.size < expected && Date.now() < deadline) {
    const instance = await servedBy();
    if (instance) seen.add(instance);
  }
  // A few more, so that an instance still routed to beyond the expected ones shows up.
  for (let request = 0; request < 3 * expected; request++) {
    const instance = await servedBy();
    if (instance) seen.add(instance);
  }
  return seen;
}

const names = (rows: StackStatus[]) => rows.map((row) => `${row.instance}:${row.state}`);

describe('stackScale under continuous load through nginx, in the fixture stack', () => {
  fixtureStackDuringTests(stage);

  it('When web is scaled 2 -> 4 -> 1 under load, then no request fails and nginx routes to every live replica', async () => {
    const load = continuousLoad(4);
    const lines: string[] = [];
    const output = (line: string) => lines.push(line);
    try {
      const four = await stackScale(stage, { web: 4 }, { output, readyTimeoutMs: 20_000 });
      expect(names(four)).toEqual(['web.1:ready', 'web.2:ready', 'web.3:ready', 'web.4:ready']);
      expect(await instancesAnswering(4)).toEqual(new Set(['web.1', 'web.2', 'web.3', 'web.4']));
      const leaving = four.slice(1).map((row) => row.pid);
      load.resetServedBy();

      const one = await stackScale(stage, { web: 1 }, { output });
      expect(names(one)).toEqual(['web.1:ready']);
      expect(leaving.filter(alive)).toEqual([]);
      expect(await instancesAnswering(1)).toEqual(new Set(['web.1']));
    } finally {
      await load.stop();
    }
    expect(load.tally.failed).toBe(0);
    // The load really ran through both changes (each waits for nginx's reload and new replicas).
    expect(load.tally.sent).toBeGreaterThan(50);
    expect(lines).toContain('balancer: configuration changed, reloaded (SIGHUP)');
    expect(lines.some((line) => line.startsWith('web.3: in rotation at http://127.0.0.1:18170'))).toBe(true);
  }, 90_000);

  it('When the stack was scaled, then its settings keep the new scale for later commands', async () => {
    const settings = JSON.parse(readFileSync(join(stage.stateDir, 'stack.json'), 'utf8')) as {
      scale?: Record<string, number>;
    };
    expect(settings.scale).toEqual({ web: 1 });
    expect((await stackStatus(stage, quiet)).map((row) => row.instance)).toEqual([
      'web.1',
      'lone',
      'balancer',
    ]);
  });

  it.skipIf(!cgroupsEnforced)(
    'When a replica is scaled out and back in, then its cgroup is created and removed with it',
    async () => {
      const [, second] = await stackScale(stage, { web: 2 }, { ...quiet, readyTimeoutMs: 20_000 });
      const dir = cgroupDirOf(second?.pid as number, 'cpu');
      expect(dir.endsWith('/scaling-conduit/scale/web.2')).toBe(true);
      await stackScale(stage, { web: 1 }, quiet);
      expect(existsSync(dir)).toBe(false);
    },
    60_000,
  );

  it('When another run holds the stage, then scale waits for it, saying so, and goes on once it is released', async () => {
    const holder = spawn('sleep', ['30'], { stdio: 'ignore' });
    const lock = join(stage.stateDir, 'lock');
    writeFileSync(lock, String(holder.pid));
    const lines: string[] = [];
    try {
      setTimeout(() => rmSync(lock, { force: true }), 1000);
      const rows = await stackScale(
        stage,
        { web: 1 },
        { output: (line) => lines.push(line), lockTimeoutMs: 10_000 },
      );
      expect(names(rows)).toEqual(['web.1:ready']);
    } finally {
      holder.kill();
    }
    expect(lines[0]).toMatch(
      /^waiting for another "pnpm stack" run \(pid \d+\) to finish changing this stage/,
    );
  });

  it('When another run holds the stage beyond the lock timeout, then scale fails saying what to do', async () => {
    const holder = spawn('sleep', ['30'], { stdio: 'ignore' });
    writeFileSync(join(stage.stateDir, 'lock'), String(holder.pid));
    try {
      await expect(stackScale(stage, { web: 2 }, { ...quiet, lockTimeoutMs: 500 })).rejects.toThrow(
        /did not finish within 500 ms: wait for it to finish, then try again/,
      );
    } finally {
      holder.kill();
      rmSync(join(stage.stateDir, 'lock'), { force: true });
    }
  });

  it('When a service without a replica count is scaled, then lone.1 replaces lone on its port and lone.2 joins', async () => {
    const before = await stackStatus(stage, quiet);
    const lone = before.find((row) => row.instance === 'lone');
    const lines: string[] = [];
    const rows = await stackScale(
      stage,
      { lone: 2 },
      { output: (line) => lines.push(line), readyTimeoutMs: 20_000 },
    );
    expect(rows.map((row) => [row.instance, row.state, row.ports])).toEqual([
      ['lone.1', 'ready', [18176]],
      ['lone.2', 'ready', [18177]],
    ]);
    expect(alive(lone?.pid)).toBe(false);
    expect(lines).toContain(
      'lone: scaling from 1 to 2 replica(s) (starting lone.1, lone.2; stopping lone)...',
    );
    const answers = await fetch('http://127.0.0.1:18176/').then((response) => response.json());
    expect(answers).toMatchObject({ instance: 'lone.1' });
  }, 60_000);

  it('When a service behind nginx is scaled to 0, then scale refuses, since nginx needs a server', async () => {
    await expect(stackScale(stage, { web: 0 }, quiet)).rejects.toThrow(/behind nginx.*scale it to 1 or more/);
  });

  it('When a scale names a service the stage lacks, then it fails naming the services there are', async () => {
    await expect(stackScale(stage, { wbe: 2 }, quiet)).rejects.toThrow(/no service "wbe".*web/);
  });
});
