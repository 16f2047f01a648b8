import type { Scenario } from '@scaling/loadtests/scenarios/types';
import { mulberry32 } from '@scaling/seed';
import autocannon from 'autocannon';
import { createMix, type Fixtures } from './mix.ts';
import { type LatencySummary, summarizeLatencies } from './percentiles.ts';

export interface RunOptions {
  baseUrl: string;
  scenario: Scenario;
  fixtures: Fixtures;
  /** Overrides of the scenario's own settings, e.g. a short demo run. */
  durationSeconds?: number;
  connections?: number;
  requestsPerSecond?: number;
  /** Seeds the request mix, so two runs send the same sequence of choices. */
  randomSeed?: number;
  onProgress?: (progress: LiveProgress) => void;
  /** Aborts the run early (Ctrl-C); the result then covers what was measured. */
  signal?: AbortSignal;
}

export interface LiveProgress {
  elapsedSeconds: number;
  durationSeconds: number;
  requests: number;
  errors: number;
  non2xx: number;
}

export interface RequestStats {
  requests: number;
  non2xx: number;
}

export interface ScenarioResult {
  scenario: string;
  model: Scenario['model'];
  connections: number;
  requestsPerSecondTarget: number | undefined;
  durationSeconds: number;
  requests: number;
  requestsPerSecond: number;
  latencyMs: LatencySummary;
  /** Requests that got no HTTP answer at all: connection errors and timeouts. */
  errors: number;
  /** The part of `errors` that timed out. */
  timeouts: number;
  non2xx: number;
  statusCodes: Record<string, number>;
  byRequest: Record<string, RequestStats>;
}

interface ConnectionContext {
  name?: string;
}

/** Runs one scenario with autocannon and measures it, reporting progress about once a second. */
export async function runScenario(options: RunOptions): Promise<ScenarioResult> {
  const { scenario } = options;
  const durationSeconds = options.durationSeconds ?? scenario.durationSeconds;
  const connections = options.connections ?? scenario.connections;
  const rate =
    scenario.model === 'open' ? (options.requestsPerSecond ?? scenario.requestsPerSecond) : undefined;
  const mix = createMix(scenario.requests, options.fixtures, mulberry32(options.randomSeed ?? 1));
  const byRequest: Record<string, RequestStats> = Object.fromEntries(
    scenario.requests.map((request) => [request.name, { requests: 0, non2xx: 0 }]),
  );
  const statusCodes: Record<string, number> = {};
  const latencies: number[] = [];
  let non2xx = 0;
  let errors = 0;

  let finish: (error: Error | null, result: autocannon.Result) => void = () => {};
  const finished = new Promise<autocannon.Result>((resolve, reject) => {
    finish = (error, result) => (error ? reject(error) : resolve(result));
  });
  const instance = autocannon(
    {
      url: options.baseUrl,
      connections,
      duration: durationSeconds,
      ...(rate === undefined ? {} : { overallRate: rate }),
      requests: [
        {
          setupRequest: (request, context: ConnectionContext) => {
            const next = mix.next();
            context.name = next.name;
            return {
              ...request,
              method: next.method,
              path: next.path,
              headers: next.headers,
              body: next.body,
            };
          },
          onResponse: (status, _body, context: ConnectionContext) => {
            const stats = byRequest[context.name ?? ''];
            if (!stats) return;
            stats.requests++;
            if (status < 200 || status >= 300) stats.non2xx++;
          },
        },
      ],
    },
    (error, result) => finish(error, result),
  );
  instance.on('response', (_client, statusCode, _bytes, responseTime) => {
    latencies.push(responseTime);
    statusCodes[statusCode] = (statusCodes[statusCode] ?? 0) + 1;
    if (statusCode < 200 || statusCode >= 300) non2xx++;
  });
  instance.on('reqError', () => {
    errors++;
  });
  const startedAt = performance.now();
  const ticker = setInterval(() => {
    options.onProgress?.({
      elapsedSeconds: (performance.now() - startedAt) / 1000,
      durationSeconds,
      requests: latencies.length,
      errors,
      non2xx,
    });
  }, 1000);
  const abort = () => instance.stop();
  options.signal?.addEventListener('abort', abort, { once: true });

  try {
    const result = await finished;
    const elapsed = (performance.now() - startedAt) / 1000;
    return {
      scenario: scenario.name,
      model: scenario.model,
      connections,
      requestsPerSecondTarget: rate,
      durationSeconds: elapsed,
      requests: latencies.length,
      requestsPerSecond: latencies.length / elapsed,
      latencyMs: summarizeLatencies(latencies),
      errors: result.errors,
      timeouts: result.timeouts,
      non2xx,
      statusCodes,
      byRequest,
    };
  } finally {
    clearInterval(ticker);
    options.signal?.removeEventListener('abort', abort);
  }
}
