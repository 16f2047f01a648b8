import { randomBytes } from 'node:crypto';
import { descendsFrom, postArticle, registerUser } from '@scaling/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort, startTracedApp, type TracedApp } from './traced-app.ts';
import { type ChildZipkin, startChildZipkin, type ZipkinSpan } from './zipkin-server.ts';

let zipkin: ChildZipkin;

// Zipkin starts in 10-20 s on an idle machine; beside the rest of `make test`, it may take several times that.
beforeAll(async () => {
  zipkin = await startChildZipkin(await freePort(), 110_000);
}, 120_000);

afterAll(async () => {
  await zipkin?.stop();
});

function startApp(serviceName: string, sampleRatio: string): Promise<TracedApp> {
  return startTracedApp({
    databaseUrl: inject('databaseUrl'),
    redisUrl: inject('redisUrl'),
    OTEL_SERVICE_NAME: serviceName,
    OTEL_TRACES_EXPORTER: 'zipkin',
    OTEL_EXPORTER_ZIPKIN_ENDPOINT: zipkin.spansUrl,
    OTEL_TRACES_SAMPLER_ARG: sampleRatio,
  });
}

/** The spans of a trace once Zipkin holds at least `count`; stored within a second of their export. */
async function spansOf(traceId: string, count: number, timeoutMs = 10_000): Promise<ZipkinSpan[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const spans = await zipkin.trace(traceId);
    if (spans.length >= count || Date.now() > deadline) return spans;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('tracing a request to Zipkin', () => {
  it('When a client sends POST /api/articles with a traceparent, then Zipkin holds its trace: the server span under the caller, the pg and Redis spans under the server span, and the log lines name the trace', async () => {
    const app = await startApp(`conduit-test-${randomBytes(3).toString('hex')}`, '1');
    const traceId = randomBytes(16).toString('hex');
    const callerSpanId = randomBytes(8).toString('hex');
    try {
      const token = await registerUser(`${app.url}/api`);
      await postArticle(`${app.url}/api`, token, { traceparent: `00-${traceId}-${callerSpanId}-01` });
    } finally {
      // The batch exporter holds spans up to 5 s; the graceful close must export them before the process exits.
      await app.stop();
    }

    const spans = await spansOf(traceId, 3);
    const server = spans.find((span) => span.kind === 'SERVER');
    expect(server, `no SERVER span among ${JSON.stringify(spans)}`).toBeDefined();
    expect(server?.parentId).toBe(callerSpanId);
    expect(server?.tags?.['http.route']).toBe('/api/articles');
    // Zipkin stores span names in lower case.
    expect(server?.name).toBe('post /api/articles');
    const queries = spans.filter((span) => span.tags?.['db.system.name'] === 'postgresql');
    expect(queries.length).toBeGreaterThan(0);
    expect(queries.every((span) => descendsFrom(span, server?.id ?? '', spans))).toBe(true);
    const redisCommands = spans.filter((span) => span.tags?.['db.system.name'] === 'redis');
    expect(redisCommands.length).toBeGreaterThan(0);
    expect(redisCommands.every((span) => descendsFrom(span, server?.id ?? '', spans))).toBe(true);
    // The session key is the token's hash: the span names its namespace, never the key.
    expect(redisCommands.map((span) => span.tags?.['db.query.text'])).toContain('getex session:…');
    expect(JSON.stringify(redisCommands)).not.toMatch(/session:[\w-]{8}/);
    const completed = app.logLines.find(
      (line) => line.msg === 'request completed' && line.trace_id === traceId,
    );
    expect(completed, 'no "request completed" log line carries the trace id').toBeDefined();
  }, 60_000);

  it('When the sample ratio is 0 and the client sends no trace context, then the app exports no span at all', async () => {
    const serviceName = `conduit-unsampled-${randomBytes(3).toString('hex')}`;
    const app = await startApp(serviceName, '0');
    try {
      const token = await registerUser(`${app.url}/api`);
      await postArticle(`${app.url}/api`, token);
    } finally {
      await app.stop();
    }
    const sampled = await startApp(serviceName, '1');
    try {
      // The same service sampled at 1 does reach Zipkin: the empty answer below is not a name Zipkin never saw.
      await registerUser(`${sampled.url}/api`);
    } finally {
      await sampled.stop();
    }
    const traceIds = await zipkin.traceIds(serviceName);
    expect(traceIds).toHaveLength(1);
  }, 60_000);
});
