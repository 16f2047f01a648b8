import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { promtoolProblems, sampleSum, scrape } from '@scaling/metrics/testing';
import { eventually, freePort } from '@scaling/testing';
import { describe, expect, it } from 'vitest';

const main = new URL('../src/main.ts', import.meta.url).pathname;

interface LogLine {
  event?: string;
  msg: string;
  [key: string]: unknown;
}

/** The service as a process, its JSON log lines collected as they come. */
function startAutoscaler(env: NodeJS.ProcessEnv, args: string[] = []) {
  const child = spawn(process.execPath, [main, ...args], {
    env: { PATH: process.env.PATH, HOST: '127.0.0.1', METRICS_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: LogLine[] = [];
  let stderr = '';
  createInterface({ input: child.stdout }).on('line', (line) => lines.push(JSON.parse(line) as LogLine));
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk;
  });
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  return {
    child,
    lines,
    exited,
    stderr: () => stderr,
    event: (name: string) => lines.find((line) => line.event === name),
  };
}

describe('The autoscaler process', () => {
  it('When started in a dry run without a reachable Prometheus, then it serves /health and /metrics (promtool-clean), logs each failed tick with its code, and stops cleanly on SIGTERM', async () => {
    const autoscaler = startAutoscaler(
      {
        AUTOSCALER_ACTUATOR: 'native',
        AUTOSCALER_STAGE: '04-cache-replicas-cdn',
        AUTOSCALER_DRY_RUN: 'true',
        PROMETHEUS_URL: `http://127.0.0.1:${await freePort()}`,
      },
      ['--time-scale', '40'],
    );
    try {
      const listening = await eventually(
        async () => {
          const line = autoscaler.event('listening');
          expect(line, autoscaler.stderr()).toBeDefined();
          return line as LogLine;
        },
        { timeoutMs: 10_000, intervalMs: 100 },
      );
      const metricsUrl = listening.metricsUrl as string;

      const health = await fetch(metricsUrl.replace('/metrics', '/health'));
      await eventually(async () => expect(autoscaler.event('failure')).toBeDefined(), { timeoutMs: 10_000 });
      const text = await scrape(metricsUrl);

      expect([health.status, ((await health.json()) as { status: string }).status]).toEqual([200, 'ok']);
      expect(autoscaler.event('start')).toMatchObject({ timeScale: 40, dryRun: true, actuator: 'native' });
      expect(autoscaler.lines.filter((line) => line.event === 'floor').map((line) => line.name)).toContain(
        'scaleOutWindowSeconds',
      );
      expect(autoscaler.event('failure')).toMatchObject({
        service: 'app',
        code: 'METRICS_SOURCE_UNREACHABLE',
      });
      expect(
        sampleSum(text, 'autoscaler_failures_total', { code: 'METRICS_SOURCE_UNREACHABLE' }),
      ).toBeGreaterThan(0);
      expect(await promtoolProblems(text)).toEqual([]);
    } finally {
      autoscaler.child.kill('SIGTERM');
    }
    const [code] = await autoscaler.exited;

    expect(code).toBe(0);
    expect(autoscaler.lines.at(-1)).toMatchObject({ event: 'stopped' });
  });

  it('When a setting is invalid, then it exits 1 naming it and what to do', async () => {
    const autoscaler = startAutoscaler({ AUTOSCALER_MIN_REPLICAS: '30' });

    const [code] = await autoscaler.exited;

    expect(code).toBe(1);
    expect(autoscaler.stderr()).toContain(
      'AUTOSCALER_MAX_REPLICAS: must be at least AUTOSCALER_MIN_REPLICAS',
    );
    expect(autoscaler.stderr()).toContain('Set these variables and start again.');
  });
});
