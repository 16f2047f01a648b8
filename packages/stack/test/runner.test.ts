import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stackDown, stackStatus, stackUp, type UpResult } from '../src/index.ts';
import { alive, fixtureStage, fixturesDir } from './support/fixture-stage.ts';

/** The fixture topology: Postgres on 15499, a one-shot seed, an HTTP service on 18090. */
const fixtureCompose = join(fixturesDir, 'docker-compose.yml');

describe('stackUp and stackDown of the fixture stack', () => {
  const stage = fixtureStage(fixtureCompose);
  const lines: string[] = [];
  const output = (line: string) => lines.push(line);
  let first: UpResult;

  beforeAll(async () => {
    first = await stackUp(stage, { output, readyTimeoutMs: 30_000 });
  }, 90_000);

  afterAll(async () => {
    await stackDown(stage, { output, volumes: true });
    stage.remove();
  }, 60_000);

  it('When the stack is up, then the database and the web service are ready and the one-shot exited 0', () => {
    expect(first.services.map((row) => [row.instance, row.state, row.exitCode])).toEqual([
      ['db', 'ready', null],
      ['seed', 'exited', 0],
      ['web', 'ready', null],
    ]);
    expect(lines).toContain('seed: running...');
    expect(lines.some((line) => /^web: ready in \d+ ms$/.test(line))).toBe(true);
  });

  it('When the web service answers, then it read the seeded row through the rewritten database address', async () => {
    const response = await fetch('http://127.0.0.1:18090/health');
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ message: 'seeded before web started', port: '18090' });
  });

  it('When a process is started, then it is pinned to the compose cpuset and logs to its own file', () => {
    const web = first.services.find((row) => row.instance === 'web');
    const status = readFileSync(`/proc/${web?.pid}/status`, 'utf8');
    expect(status).toMatch(/^Cpus_allowed_list:\s+0$/m);
    expect(readFileSync(join(stage.stateDir, 'logs', 'db.log'), 'utf8')).toContain(
      'ready to accept connections',
    );
  });

  it('When up runs again, then the running services are kept with the same pids', async () => {
    const again = await stackUp(stage, { output, readyTimeoutMs: 30_000 });
    const pids = (result: UpResult) =>
      result.services.filter((row) => !row.instance.startsWith('seed')).map((row) => row.pid);
    expect(pids(again)).toEqual(pids(first));
    expect(lines).toContain(`db: already running (pid ${first.services[0]?.pid})`);
  }, 60_000);

  it('When the stack goes down, then no process is left and status reports every service stopped', async () => {
    const pids = first.services.map((row) => row.pid).filter((pid) => pid !== null);
    expect(pids.every(alive)).toBe(true);
    await stackDown(stage, { output });
    expect(pids.some(alive)).toBe(false);
    const rows = await stackStatus(stage);
    expect(rows.map((row) => [row.instance, row.state])).toEqual([
      ['db', 'stopped'],
      ['seed', 'stopped'],
      ['web', 'stopped'],
    ]);
  }, 60_000);
});

describe('stackUp of a service that crashes', () => {
  it('When a service exits during start-up, then up fails with the end of its log and what to do', async () => {
    const stage = fixtureStage(fixtureCompose);
    const composeFile = join(stage.stateDir, 'docker-compose.yml');
    writeFileSync(
      composeFile,
      [
        'services:',
        '  broken:',
        '    build: .',
        '    command: ["node", "-e", "console.error(\'config is missing\'); process.exit(3)"]',
        '    ports: ["18091:8080"]',
      ].join('\n'),
    );
    try {
      const up = stackUp({ ...stage, composeFile }, { output: () => {}, readyTimeoutMs: 10_000 });
      await expect(up).rejects.toThrow(
        /broken exited during start-up[\s\S]*config is missing[\s\S]*pnpm stack down/,
      );
    } finally {
      await stackDown({ ...stage, composeFile }, { output: () => {} });
      stage.remove();
    }
  });
});

describe('two runs on one stage', () => {
  it('When another live run holds the stage lock, then up refuses and starts nothing', async () => {
    const stage = fixtureStage(fixtureCompose);
    try {
      // The parent of this test worker is alive for the whole run: it stands in for a concurrent `pnpm stack up`.
      writeFileSync(join(stage.stateDir, 'lock'), String(process.ppid));
      await expect(stackUp(stage, { output: () => {} })).rejects.toThrow(
        /Another "pnpm stack" run \(pid \d+\)/,
      );
      expect((await stackStatus(stage)).every((row) => row.state === 'stopped')).toBe(true);
    } finally {
      stage.remove();
    }
  });
});
