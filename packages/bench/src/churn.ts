import pg from 'pg';
import { type LatencySummary, summarizeLatencies } from './percentiles.ts';
import type { LiveProgress } from './run-scenario.ts';

export interface ChurnOptions {
  connectionString: string;
  /** Virtual clients, each looping connect, query, disconnect as fast as it can (a closed model). */
  clients: number;
  durationSeconds: number;
  sql: string;
  params?: unknown[];
  /** A connect that takes longer counts as an error. */
  connectTimeoutMs?: number;
  /** A client whose attempt failed waits this long before the next one, as a driver's retry loop does. */
  retryDelayMs?: number;
  onProgress?: (progress: LiveProgress) => void;
  signal?: AbortSignal;
}

export interface ChurnResult {
  clients: number;
  durationSeconds: number;
  attempts: number;
  successes: number;
  successesPerSecond: number;
  /** Connect + query + disconnect of the successful attempts. */
  latencyMs: LatencySummary;
  /** The connect alone (TCP, startup, authentication) of the successful attempts: the part a pool would save. */
  connectMs: LatencySummary;
  errors: number;
  /** Failed attempts by the server's (or driver's) message, e.g. "sorry, too many clients already". */
  errorsByMessage: Record<string, number>;
}

/**
 * What a fleet of short-lived processes (serverless functions, cron scripts, PHP-style workers) does to a
 * database: a new connection per query. Each connection costs a TCP handshake, an authentication exchange and, on
 * Postgres itself, a forked backend; past max_connections Postgres refuses them, while a pooler hands them a shared
 * server connection (but still authenticates each one).
 */
export async function runChurn(options: ChurnOptions): Promise<ChurnResult> {
  const connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
  const retryDelayMs = options.retryDelayMs ?? 100;
  const latencies: number[] = [];
  const connectLatencies: number[] = [];
  const errorsByMessage: Record<string, number> = {};
  let attempts = 0;
  let errors = 0;
  const startedAt = performance.now();
  const deadline = startedAt + options.durationSeconds * 1000;
  const running = () => performance.now() < deadline && !options.signal?.aborted;

  const attempt = async (): Promise<boolean> => {
    attempts++;
    const began = performance.now();
    const client = new pg.Client({
      connectionString: options.connectionString,
      connectionTimeoutMillis: connectTimeoutMs,
    });
    // An idle client whose server goes away emits 'error'; unhandled, that would crash the load generator.
    client.on('error', () => {});
    try {
      await client.connect();
      const connected = performance.now();
      await client.query(options.sql, options.params);
      await client.end();
      latencies.push(performance.now() - began);
      connectLatencies.push(connected - began);
      return true;
    } catch (error) {
      errors++;
      const message = error instanceof Error ? error.message : String(error);
      errorsByMessage[message] = (errorsByMessage[message] ?? 0) + 1;
      await client.end().catch(() => {});
      return false;
    }
  };

  const virtualClient = async () => {
    while (running()) {
      if (!(await attempt())) await new Promise((resolve) => setTimeout(resolve, retryDelayMs));
    }
  };

  const ticker = setInterval(() => {
    options.onProgress?.({
      elapsedSeconds: (performance.now() - startedAt) / 1000,
      durationSeconds: options.durationSeconds,
      requests: latencies.length,
      errors,
      non2xx: 0,
    });
  }, 1000);
  try {
    await Promise.all(Array.from({ length: options.clients }, virtualClient));
  } finally {
    clearInterval(ticker);
  }
  const durationSeconds = (performance.now() - startedAt) / 1000;
  return {
    clients: options.clients,
    durationSeconds,
    attempts,
    successes: latencies.length,
    successesPerSecond: latencies.length / durationSeconds,
    latencyMs: summarizeLatencies(latencies),
    connectMs: summarizeLatencies(connectLatencies),
    errors,
    errorsByMessage,
  };
}
