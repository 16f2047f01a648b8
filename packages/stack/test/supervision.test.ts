import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type StackStatus,
  stackDown,
  stackKill,
  stackRestart,
  stackServiceStatus,
  stackStartService,
  stackStatus,
  stackStopService,
  stackUp,
  stackWaitReady,
} from '../src/index.ts';
import { alive, fixtureStage, fixturesDir } from './support/fixture-stage.ts';

/** web (restart: unless-stopped, HTTP on 18191), once (restart: "no"), retry (on-failure), stubborn (ignores SIGTERM). */
const stage = fixtureStage(join(fixturesDir, 'supervision', 'docker-compose.yml'), 'supervision');
const quiet = { output: () => {} };
const logOf = (instance: string) => readFileSync(join(stage.stateDir, 'logs', `${instance}.log`), 'utf8');

async function until(
  instance: string,
  condition: (status: StackStatus) => boolean,
  timeoutMs = 15_000,
): Promise<StackStatus> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = await stackServiceStatus(stage, instance, quiet);
    if (condition(status)) return status;
    if (Date.now() > deadline) throw new Error(`${instance} never got there: ${JSON.stringify(status)}`);
    await sleep(50);
  }
}

async function webAnswers(): Promise<{ pid: number }> {
  const response = await fetch('http://127.0.0.1:18191/');
  return (await response.json()) as { pid: number };
}

describe('supervised services of the fixture stack', () => {
  let initial: StackStatus[];

  beforeAll(async () => {
    initial = (await stackUp(stage, { ...quiet, readyTimeoutMs: 20_000 })).services;
  }, 60_000);

  afterAll(async () => {
    await stackDown(stage, quiet);
    stage.remove();
  }, 60_000);

  it('When the stack is up, then every service runs under a supervisor of its own with no restarts', () => {
    expect(initial.map((row) => [row.instance, row.state, row.restarts])).toEqual([
      ['web', 'ready', 0],
      ['once', 'ready', 0],
      ['retry', 'ready', 0],
      ['stubborn', 'ready', 0],
    ]);
    for (const row of initial) {
      expect(alive(row.pid)).toBe(true);
      expect(alive(row.supervisorPid)).toBe(true);
      expect(row.supervisorPid).not.toBe(row.pid);
    }
  });

  it('When a service with restart: unless-stopped is SIGKILLed, then its supervisor starts it again and logs why', async () => {
    const before = await stackServiceStatus(stage, 'web', quiet);
    const [killed] = await stackKill(stage, 'web', { ...quiet, signal: 'KILL' });
    expect(killed).toEqual({ instance: 'web', pid: before.pid, signal: 'SIGKILL' });
    const after = await until(
      'web',
      (status) => status.restarts === before.restarts + 1 && status.pid !== null,
    );
    await stackWaitReady(stage, 'web', { ...quiet, readyTimeoutMs: 10_000 });
    expect(after.pid).not.toBe(before.pid);
    expect(after.supervisorPid).toBe(before.supervisorPid);
    expect((await webAnswers()).pid).toBe(after.pid);
    expect(logOf('web')).toMatch(/web: restarted after signal SIGKILL \(restart \d+\)/);
  });

  it('When a service with restart: "no" is killed, then it stays down and reports its exit code', async () => {
    const before = await stackServiceStatus(stage, 'once', quiet);
    await stackKill(stage, 'once', quiet);
    const after = await until('once', (status) => status.state === 'exited');
    expect(after).toMatchObject({ pid: null, supervisorPid: null, exitCode: 137, restarts: 0 });
    // The supervisor records the exit, then exits itself: give it a moment on a busy machine.
    await expect.poll(() => alive(before.supervisorPid), { timeout: 5000 }).toBe(false);
    expect(logOf('once')).toContain('restart policy "no": not restarting');
  });

  it('When an on-failure service exits 0 on SIGTERM, then it is not restarted, and after a SIGKILL it is', async () => {
    await stackKill(stage, 'retry', { ...quiet, signal: 'SIGKILL' });
    await until('retry', (status) => status.restarts === 1 && status.pid !== null);
    // Its SIGTERM handler must be installed before the SIGTERM comes: a worker is ready after a grace period.
    await stackWaitReady(stage, 'retry', quiet);
    await stackKill(stage, 'retry', { ...quiet, signal: 'TERM' });
    const after = await until('retry', (status) => status.state === 'exited');
    expect(after).toMatchObject({ exitCode: 0, restarts: 1 });
  });

  it('When one service is restarted, then it gets a new process, is ready, and the others keep theirs', async () => {
    const before = await stackStatus(stage, quiet);
    const [web] = await stackRestart(stage, 'web', { ...quiet, readyTimeoutMs: 10_000 });
    const previous = before.find((row) => row.instance === 'web');
    expect(web?.state).toBe('ready');
    expect(web?.pid).not.toBe(previous?.pid);
    expect(web?.restarts).toBe(previous?.restarts);
    expect((await webAnswers()).pid).toBe(web?.pid);
    const stubborn = await stackServiceStatus(stage, 'stubborn', quiet);
    expect(stubborn.pid).toBe(before.find((row) => row.instance === 'stubborn')?.pid);
  });

  it('When one service is stopped, then it stays stopped and frees its port, and start brings it back', async () => {
    const before = await stackServiceStatus(stage, 'web', quiet);
    await stackStopService(stage, 'web', quiet);
    expect(await stackServiceStatus(stage, 'web', quiet)).toMatchObject({ state: 'stopped', pid: null });
    expect(alive(before.pid)).toBe(false);
    expect(alive(before.supervisorPid)).toBe(false);
    await expect(fetch('http://127.0.0.1:18191/')).rejects.toThrow();
    const [started] = await stackStartService(stage, 'web', { ...quiet, readyTimeoutMs: 10_000 });
    expect(started).toMatchObject({ state: 'ready', restarts: 0 });
    expect((await webAnswers()).pid).toBe(started?.pid);
  });

  it('When a service ignores its stop signal, then it is killed after its grace period and nothing is left', async () => {
    const before = await stackServiceStatus(stage, 'stubborn', quiet);
    const lines: string[] = [];
    await stackStopService(stage, 'stubborn', { output: (line) => lines.push(line) });
    expect(lines).toContain('stubborn: killed after 1000 ms');
    expect(alive(before.pid)).toBe(false);
    expect(alive(before.supervisorPid)).toBe(false);
    expect(logOf('stubborn')).toContain('ignoring SIGTERM');
  });

  it('When the stack goes down, then no service process and no supervisor is left', async () => {
    const rows = await stackStatus(stage, quiet);
    const pids = rows.flatMap((row) => [row.pid, row.supervisorPid]).filter((pid) => pid !== null);
    expect(pids.length).toBeGreaterThan(0);
    await stackDown(stage, quiet);
    expect(pids.filter(alive)).toEqual([]);
  }, 30_000);
});
