import { FastifyOtelInstrumentation } from '@fastify/otel';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';

/** The modules the instrumentations patch: the ESM loader hook intercepts these and nothing else. */
export const instrumentedModules = ['pg', 'pg-pool', 'ioredis'];

/**
 * A Redis span's statement: the command and its key's namespace only (`getex session:…`). The default keeps the
 * key, and keys name people and sessions (a login limit per e-mail address, a session by its token's hash), which
 * must not leave the process in a trace any more than in a log line.
 */
export function redisStatement(command: string, args: unknown[]): string {
  const key = args[0];
  const namespaceEnd = typeof key === 'string' ? key.indexOf(':') : -1;
  return namespaceEnd > 0 ? `${command} ${(key as string).slice(0, namespaceEnd + 1)}…` : command;
}

/**
 * One SERVER span per request (fastify's own diagnostics channel hands every new app to @fastify/otel, so no app
 * code registers it), a span per pg query and pool connect, and one per Redis command. pg and Redis spans need a
 * parent: the worker's polling and the app's readiness probes would otherwise each start a trace of their own.
 */
export function createInstrumentations(): Instrumentation[] {
  return [
    new FastifyOtelInstrumentation({
      registerOnInitialization: true,
      // Probes from the balancer and the supervisor, several a second per replica, are not requests worth a trace.
      ignorePaths: (route) => route.url === '/api/health' || route.url === '/api/ready',
      // One span per request is the unit a trace is read in; a span per lifecycle hook multiplies the export cost.
      instrumentHooks: false,
      // "POST /api/articles" rather than the plugin's "request": the name Zipkin lists and searches traces by.
      requestHook: (span, request) => span.updateName(`${request.method} ${request.routeOptions.url ?? ''}`),
    }) as unknown as Instrumentation,
    new PgInstrumentation({ requireParentSpan: true }),
    new IORedisInstrumentation({ requireParentSpan: true, dbStatementSerializer: redisStatement }),
  ];
}
