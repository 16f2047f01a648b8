import { setTimeout as sleep } from 'node:timers/promises';
import type { ZipkinSpan } from './span-tree.ts';

export interface TraceWaitOptions {
  /** Zipkin's base URL, e.g. http://127.0.0.1:9411. */
  zipkinUrl: string;
  traceId: string;
  /** How long the spans may take to arrive: the replicas send them in batches, every 5 s by default. */
  timeoutMs?: number;
  output?: (line: string) => void;
}

const pollMs = 1_000;
const maxTraceBytes = 4 * 1024 * 1024;

/**
 * Fetches a trace from Zipkin once it holds a server span and its span count has stopped growing between two polls:
 * the query, Redis and request spans of one request may arrive in different batches.
 */
export async function waitForTrace(options: TraceWaitOptions): Promise<ZipkinSpan[]> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const deadline = Date.now() + timeoutMs;
  const url = `${options.zipkinUrl.replace(/\/+$/, '')}/api/v2/trace/${options.traceId}`;
  let previous = -1;
  let lastProblem = 'Zipkin has not answered yet';
  while (Date.now() < deadline) {
    const spans = await fetchTrace(url).catch((error: Error) => {
      lastProblem = error.message;
      return undefined;
    });
    if (spans?.some((span) => span.kind === 'SERVER')) {
      if (spans.length === previous) return spans;
      options.output?.(`Zipkin holds ${spans.length} spans of the trace; waiting for more to arrive...`);
      previous = spans.length;
    } else if (spans) {
      lastProblem = `Zipkin holds ${spans.length} spans of the trace but no server span`;
    }
    await sleep(pollMs);
  }
  throw new Error(
    `The trace ${options.traceId} was not complete in Zipkin within ${timeoutMs / 1000} s (${lastProblem}). ` +
      'Check that the replicas run with OTEL_TRACES_EXPORTER=zipkin and OTEL_TRACES_SAMPLER_ARG=1, and that Zipkin ' +
      'is up ("pnpm stack logs 3 zipkin").',
  );
}

async function fetchTrace(url: string): Promise<ZipkinSpan[] | undefined> {
  const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
  // Zipkin answers 404 until the first span of the trace arrives.
  if (response.status === 404) return undefined;
  const text = await response.text();
  if (response.status !== 200) throw new Error(`${url} answered ${response.status}: ${text.slice(0, 200)}`);
  if (text.length > maxTraceBytes) throw new Error(`${url} answered more than ${maxTraceBytes} bytes`);
  return JSON.parse(text) as ZipkinSpan[];
}
