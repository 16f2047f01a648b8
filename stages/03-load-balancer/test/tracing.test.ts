import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveStage } from '@scaling/stack';
import { descendsFrom, postArticle, registerUser, useNativeStage } from '@scaling/testing';
import { afterAll, describe, expect, it } from 'vitest';

// Every trace kept, so the one this file sends is in Zipkin whatever its id (the shipped default keeps 1%).
const shippedSampleRatio = process.env.OTEL_TRACES_SAMPLER_ARG;
process.env.OTEL_TRACES_SAMPLER_ARG = '1';
afterAll(() => {
  if (shippedSampleRatio === undefined) delete process.env.OTEL_TRACES_SAMPLER_ARG;
  else process.env.OTEL_TRACES_SAMPLER_ARG = shippedSampleRatio;
});

// A boot of its own, not the other files' shared one: the replicas read the sampling ratio when they start.
const stage = useNativeStage(3, { volumes: true });
const zipkin = 'http://127.0.0.1:9411';
const pgbouncerPort = '16432';
const nginxLog = join(resolveStage(3).stateDir, 'logs', 'nginx.log');

interface ZipkinSpan {
  id: string;
  parentId?: string;
  kind?: string;
  localEndpoint?: { serviceName?: string };
  tags?: Record<string, string>;
}

async function until<T>(what: string, read: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what} did not appear within ${timeoutMs / 1000} s.`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** The trace id nginx logged for the last POST /api/articles answered 201 (its access log flushes every second). */
function loggedTraceIds(): string[] {
  return readFileSync(nginxLog, 'utf8')
    .split('\n')
    .filter((line) => line.includes('"POST /api/articles HTTP/1.1" 201'))
    .map((line) => /trace=([0-9a-f]{32})/.exec(line)?.[1] ?? '');
}

/** The trace once it holds the replica's server span and the query and Redis spans under it. */
function completeTrace(traceId: string): Promise<ZipkinSpan[]> {
  return until(`Trace ${traceId} in Zipkin`, async () => {
    const response = await fetch(`${zipkin}/api/v2/trace/${traceId}`);
    if (!response.ok) return undefined;
    const spans = (await response.json()) as ZipkinSpan[];
    const complete =
      spans.some((span) => span.kind === 'SERVER') &&
      spans.some((span) => span.tags?.['db.system.name'] === 'postgresql') &&
      spans.some((span) => span.tags?.['db.system.name'] === 'redis');
    return complete ? spans : undefined;
  });
}

describe('Stage 3 booted natively: one trace from nginx through a replica to PgBouncer, Postgres and Redis', () => {
  it('When a client sends POST /api/articles without trace context, then the trace id nginx logs is the trace in Zipkin, with the replica, its queries through PgBouncer and its Redis commands', async () => {
    const before = loggedTraceIds().length;
    await postArticle(stage.apiUrl(), await registerUser(stage.apiUrl()));
    const traceId = await until('The POST in nginx access log', async () => loggedTraceIds()[before]);
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);

    const spans = await completeTrace(traceId);
    const server = spans.find((span) => span.kind === 'SERVER');
    expect(server?.localEndpoint?.serviceName).toBe('conduit-app');
    expect(server?.tags?.['http.route']).toBe('/api/articles');
    // nginx records no span: the parent it named is the first half of its $request_id.
    expect(server?.parentId).toBe(traceId.slice(0, 16));
    const queries = spans.filter((span) => span.tags?.['db.system.name'] === 'postgresql');
    expect(queries.every((span) => descendsFrom(span, server?.id ?? '', spans))).toBe(true);
    expect(queries.some((span) => span.tags?.['server.port'] === pgbouncerPort)).toBe(true);
    const redis = spans.filter((span) => span.tags?.['db.system.name'] === 'redis');
    expect(redis.every((span) => descendsFrom(span, server?.id ?? '', spans))).toBe(true);
  }, 60_000);

  it('When a client sends its own traceparent, then nginx passes it on: its access log and Zipkin show the client trace under the client span', async () => {
    const traceId = randomBytes(16).toString('hex');
    const clientSpanId = randomBytes(8).toString('hex');
    const before = loggedTraceIds().length;
    await postArticle(stage.apiUrl(), await registerUser(stage.apiUrl()), {
      traceparent: `00-${traceId}-${clientSpanId}-01`,
    });
    expect(await until('The POST in nginx access log', async () => loggedTraceIds()[before])).toBe(traceId);

    const spans = await completeTrace(traceId);
    expect(spans.find((span) => span.kind === 'SERVER')?.parentId).toBe(clientSpanId);
  }, 60_000);
});
