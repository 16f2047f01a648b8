import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { enqueue } from '@scaling/jobs';
import { promtoolProblems, sampleSum, scrape } from '@scaling/metrics/testing';
import { freePort, type StartedScript, startScript } from '@scaling/testing';
import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { loadWorkerConfig } from '../src/index.ts';

const entry = new URL('./support/worker-entry.ts', import.meta.url).pathname;

function startWorker(env: Record<string, string>): StartedScript {
  return startScript(entry, { DATABASE_URL: inject('databaseUrl'), HOST: '127.0.0.1', ...env });
}

async function waitForLine(run: StartedScript, pattern: RegExp, timeoutMs = 15_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const line = run
      .output()
      .split('\n')
      .find((candidate) => pattern.test(candidate));
    if (line) return line;
    if (Date.now() > deadline || run.child.exitCode !== null) {
      throw new Error(`The worker never logged ${pattern}; its output:\n${run.output()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const pool = new pg.Pool({ connectionString: inject('databaseUrl'), max: 2 });
afterAll(() => pool.end());

describe('The worker process and its metrics', () => {
  it('When jobs wait in the queue, then the worker serves their depth, its pool and the process at METRICS_PORT', async () => {
    const port = await freePort();
    const run = startWorker({ METRICS_PORT: String(port), LOG_LEVEL: 'info' });
    try {
      const ready = JSON.parse(await waitForLine(run, /The worker is running jobs/));
      // A kind no handler claims stays in the queue: the depth is what was enqueued, not what is left of it.
      const kind = `unclaimed-${randomUUID()}`;
      for (const label of ['one', 'two'])
        await enqueue<Record<string, { label: string }>>(pool, kind, { label });

      const text = await scrape(ready.metricsUrl);

      expect(ready.metricsUrl).toBe(`http://127.0.0.1:${port}/metrics`);
      expect(sampleSum(text, 'jobs_queue_depth', { kind })).toBe(2);
      expect(sampleSum(text, 'pg_pool_max_clients', { pool: 'primary' })).toBe(4);
      expect(text).toContain('jobs_queue_depth{kind="notify-followers"}');
      expect(sampleSum(text, 'nodejs_eventloop_lag_p99_seconds')).toBeGreaterThan(0);
      expect(await promtoolProblems(text)).toEqual([]);
    } finally {
      run.child.kill('SIGTERM');
    }
    const [code] = await once(run.child, 'exit');

    expect(code).toBe(0);
    await expect(fetch(`http://127.0.0.1:${port}/metrics`)).rejects.toThrow();
  });

  it('When METRICS_PORT is taken, then the worker stops at boot and says to give it a port of its own', async () => {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const { port } = holder.address() as { port: number };
    try {
      const run = startWorker({ METRICS_PORT: String(port) });
      const [code] = await once(run.child, 'exit');

      expect(code).not.toBe(0);
      expect(run.output()).toMatch(
        /EADDRINUSE\): another process holds that port: give every process on this host its own METRICS_PORT/,
      );
    } finally {
      holder.close();
    }
  });

  it('When METRICS_PORT is not a port, then the configuration is refused with its name', () => {
    expect(() =>
      loadWorkerConfig({ DATABASE_URL: 'postgres://u:p@db/conduit', METRICS_PORT: '70000' }),
    ).toThrow(/METRICS_PORT: /);
    expect(loadWorkerConfig({ DATABASE_URL: 'postgres://u:p@db/conduit' })).toMatchObject({
      HOST: '0.0.0.0',
      METRICS_PORT: 9464,
    });
  });
});
