import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '@scaling/stack';

export const zipkinJar =
  process.env.ZIPKIN_JAR ?? join(repoRoot, '.tools', 'zipkin', 'zipkin-server-3.4.2-exec.jar');

/** One span as Zipkin's v2 API returns it. */
export interface ZipkinSpan {
  traceId: string;
  id: string;
  parentId?: string;
  name: string;
  kind?: string;
  localEndpoint?: { serviceName?: string };
  tags?: Record<string, string>;
}

export interface ChildZipkin {
  readonly spansUrl: string;
  /** The trace's spans, or [] while Zipkin has none of them. */
  trace(traceId: string): Promise<ZipkinSpan[]>;
  /** The trace ids Zipkin holds for a service (in-memory storage: everything since it started). */
  traceIds(serviceName: string): Promise<string[]>;
  stop(): Promise<void>;
}

async function healthy(url: string): Promise<boolean> {
  try {
    return (await fetch(`${url}/health`, { signal: AbortSignal.timeout(1000) })).ok;
  } catch {
    return false;
  }
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

/** Zipkin's exec jar on Java 17 with in-memory storage, on 127.0.0.1:`port`, as a child of the test. */
export async function startChildZipkin(port: number, timeoutMs = 60_000): Promise<ChildZipkin> {
  if (!existsSync(zipkinJar)) {
    throw new Error(`Zipkin's jar is missing at ${zipkinJar}: run 'make bootstrap', which downloads it.`);
  }
  const child = spawn(
    'java',
    ['-Xmx256m', '-jar', zipkinJar, `--armeria.ports[0].port=${port}`, '--armeria.ports[0].ip=127.0.0.1'],
    { env: { ...process.env, STORAGE_TYPE: 'mem' }, stdio: 'ignore' },
  );
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  while (!(await healthy(url))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(
        `Zipkin did not become healthy on ${url} within ${timeoutMs / 1000} s: is Java 17 installed?`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return {
    spansUrl: `${url}/api/v2/spans`,
    async trace(traceId) {
      const response = await fetch(`${url}/api/v2/trace/${traceId}`, { signal: AbortSignal.timeout(5000) });
      return response.status === 404 ? [] : ((await response.json()) as ZipkinSpan[]);
    },
    async traceIds(serviceName) {
      const query = new URLSearchParams({ serviceName, lookback: String(3_600_000), limit: '1000' });
      const response = await fetch(`${url}/api/v2/traces?${query}`, { signal: AbortSignal.timeout(5000) });
      const traces = (await response.json()) as ZipkinSpan[][];
      return traces.map((spans) => spans[0]?.traceId ?? '');
    },
    async stop() {
      child.kill('SIGTERM');
      await exited(child);
    },
  };
}
