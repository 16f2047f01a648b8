import { Agent } from 'node:http';
import { sendRequest } from './http-send.ts';
import type { ResolvedRequest } from './mix.ts';
import type { RequestOutcome } from './open-load.ts';
import { summarizeLatencies } from './percentiles.ts';
import type { LiveProgress, RequestStats, ScenarioResult } from './run-scenario.ts';

export interface ClosedLoadOptions {
  baseUrl: string;
  name: string;
  /** Where each request comes from, e.g. a planned sequence of writes. */
  source: () => ResolvedRequest;
  connections: number;
  durationSeconds: number;
  timeoutMs?: number;
  onProgress?: (progress: LiveProgress) => void;
  onOutcome?: (outcome: RequestOutcome) => void;
  signal?: AbortSignal;
}

/**
 * The closed model for requests from a source (autocannon only replays templates): each connection sends its next
 * request once it has the answer to the previous one, for `durationSeconds`: the most the stage answers.
 */
export async function runClosedLoad(options: ClosedLoadOptions): Promise<ScenarioResult> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const agent = new Agent({ keepAlive: true, maxSockets: options.connections });
  const target = new URL(options.baseUrl);
  const latencies: number[] = [];
  const statusCodes: Record<string, number> = {};
  const byRequest: Record<string, RequestStats> = {};
  let errors = 0;
  let timeouts = 0;
  let non2xx = 0;
  const startedAt = performance.now();
  const elapsedMs = () => performance.now() - startedAt;
  const endAtMs = options.durationSeconds * 1000;
  const running = () => elapsedMs() < endAtMs && !options.signal?.aborted;

  const connection = async () => {
    while (running()) {
      const next = options.source();
      const sentAtMs = elapsedMs();
      const answer = await sendRequest(agent, target, next, timeoutMs);
      const latencyMs = elapsedMs() - sentAtMs;
      const stats = byRequest[next.name] ?? { requests: 0, non2xx: 0 };
      byRequest[next.name] = stats;
      if (answer.status === undefined) {
        errors++;
        if (answer.error?.startsWith('timeout')) timeouts++;
      } else {
        latencies.push(latencyMs);
        stats.requests++;
        statusCodes[answer.status] = (statusCodes[answer.status] ?? 0) + 1;
        if (answer.status < 200 || answer.status >= 300) {
          non2xx++;
          stats.non2xx++;
        }
      }
      options.onOutcome?.({
        name: next.name,
        request: next,
        scheduledAtMs: sentAtMs,
        sentAtMs,
        latencyMs,
        status: answer.status,
        error: answer.error,
        servedBy: answer.servedBy,
      });
    }
  };
  const ticker = setInterval(() => {
    options.onProgress?.({
      elapsedSeconds: elapsedMs() / 1000,
      durationSeconds: options.durationSeconds,
      requests: latencies.length,
      errors,
      non2xx,
    });
  }, 1000);
  try {
    await Promise.all(Array.from({ length: options.connections }, connection));
  } finally {
    clearInterval(ticker);
    agent.destroy();
  }
  const durationSeconds = Math.min(elapsedMs(), endAtMs) / 1000;
  return {
    scenario: options.name,
    model: 'closed',
    connections: options.connections,
    requestsPerSecondTarget: undefined,
    durationSeconds,
    requests: latencies.length,
    requestsPerSecond: durationSeconds > 0 ? latencies.length / durationSeconds : 0,
    latencyMs: summarizeLatencies(latencies),
    errors,
    timeouts,
    non2xx,
    statusCodes,
    byRequest,
  };
}
