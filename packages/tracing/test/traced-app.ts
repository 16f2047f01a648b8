import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { repoRoot } from '@scaling/stack';

export const registerModule = join(repoRoot, 'packages', 'tracing', 'src', 'register.ts');
const stage3Server = join(repoRoot, 'stages', '03-load-balancer', 'src', 'server.ts');

export interface TracedApp {
  readonly url: string;
  /** Every JSON log line the process has written so far. */
  readonly logLines: Record<string, unknown>[];
  /** SIGTERM, as its supervisor sends it, and the wait for its exit: a graceful close flushes its spans. */
  stop(): Promise<void>;
}

/** A port nothing listens on at this moment. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject()));
    });
  });
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

/**
 * Stage 3's API server started the way its compose file starts it, `node --import <register> server.ts`, with the
 * test's Postgres and Redis and the given OTEL_* variables; ready once `/api/ready` answers.
 */
export async function startTracedApp(
  env: { databaseUrl: string; redisUrl: string } & Record<string, string>,
  timeoutMs = 20_000,
): Promise<TracedApp> {
  const { databaseUrl, redisUrl, ...otel } = env;
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', registerModule, stage3Server], {
    cwd: repoRoot,
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATABASE_URL: databaseUrl,
      REDIS_URL: redisUrl,
      IDEMPOTENCY_SECRET: 'test-only-idempotency-secret-0123456789',
      DRAIN_DELAY_MS: '0',
      LOG_LEVEL: 'info',
      ...otel,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const logLines: Record<string, unknown>[] = [];
  createInterface({ input: child.stdout }).on('line', (line) => {
    try {
      logLines.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      logLines.push({ msg: line });
    }
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ready = await fetch(`${url}/api/ready`, { signal: AbortSignal.timeout(1000) }).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) break;
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(
        `The traced app did not become ready on ${url} within ${timeoutMs / 1000} s; see its log above.`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    logLines,
    async stop() {
      child.kill('SIGTERM');
      await exited(child);
    },
  };
}
