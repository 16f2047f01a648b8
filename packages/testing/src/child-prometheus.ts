import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const prometheusBinary = '/usr/bin/prometheus';

export interface ChildPrometheus {
  readonly url: string;
  /** Stops the server and removes its data. */
  stop(): Promise<void>;
}

export interface ChildPrometheusTarget {
  job: string;
  /** host:port serving /metrics. */
  address: string;
}

/** A port nothing listens on right now (the kernel's pick), for a server that cannot listen on port 0. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * Debian's Prometheus as a child of the test, scraping `targets` every second from a fresh folder; resolves once
 * every target has been scraped successfully twice, so a rate() over them has samples.
 */
export async function startChildPrometheus(targets: ChildPrometheusTarget[]): Promise<ChildPrometheus> {
  if (!existsSync(prometheusBinary)) {
    throw new Error(`Prometheus is not installed (no ${prometheusBinary}). Run 'make bootstrap'.`);
  }
  const directory = mkdtempSync(join(tmpdir(), 'test-prometheus-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  // Targets of one job (the replicas of a service) share its scrape config, as a stage's do.
  const jobs = [...new Set(targets.map((target) => target.job))].map((job) => {
    const addresses = targets.filter((target) => target.job === job).map((target) => `'${target.address}'`);
    return `  - job_name: ${job}\n    static_configs:\n      - targets: [${addresses.join(', ')}]\n`;
  });
  writeFileSync(
    join(directory, 'prometheus.yml'),
    `global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nscrape_configs:\n${jobs.join('')}`,
  );
  const child: ChildProcess = spawn(
    prometheusBinary,
    [
      `--config.file=${join(directory, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(directory, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    log = (log + chunk).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(directory, { recursive: true, force: true });
  };

  const deadline = Date.now() + 20_000;
  while (!(await scrapedTwice(url, targets.length))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`Prometheus did not scrape its ${targets.length} targets twice within 20 s:\n${log}`);
    }
    await sleep(200);
  }
  return { url, stop };
}

async function scrapedTwice(url: string, targetCount: number): Promise<boolean> {
  const query = encodeURIComponent('count_over_time(up[1m]) >= 2 and up == 1');
  const response = await fetch(`${url}/api/v1/query?query=${query}`, {
    signal: AbortSignal.timeout(1000),
  }).catch(() => undefined);
  if (!response?.ok) return false;
  const body = (await response.json()) as { data: { result: unknown[] } };
  return body.data.result.length === targetCount;
}
