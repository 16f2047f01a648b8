import { describe, expect, it } from 'vitest';
import { loggedTraceId } from '../src/nginx-trace-id.ts';

function buildLogLine(overrides: { request?: string; status?: number; trace?: string } = {}): string {
  const request = overrides.request ?? 'POST /api/articles HTTP/1.1';
  return (
    `127.0.0.1 "${request}" ${overrides.status ?? 201} 0.012 upstream=127.0.0.1:8081 upstream_status=201 ` +
    `upstream_time=0.012 trace=${overrides.trace ?? 'a'.repeat(32)}`
  );
}

describe('loggedTraceId', () => {
  it('When several requests were logged, then the trace of the last one with that method and path is taken', () => {
    const log = [
      buildLogLine({ trace: '1'.repeat(32) }),
      buildLogLine({ request: 'GET /api/articles HTTP/1.1', status: 200, trace: '2'.repeat(32) }),
      buildLogLine({ trace: '3'.repeat(32) }),
      buildLogLine({ request: 'POST /api/articles/x/comments HTTP/1.1', trace: '4'.repeat(32) }),
    ].join('\n');

    expect(loggedTraceId(log, 'POST', '/api/articles')).toBe('3'.repeat(32));
  });

  it('When the request was not logged or carries no trace id, then there is none', () => {
    expect(loggedTraceId(buildLogLine({ request: 'GET /api/tags HTTP/1.1' }), 'POST', '/api/articles')).toBe(
      undefined,
    );
    expect(loggedTraceId(buildLogLine({ trace: '-' }), 'POST', '/api/articles')).toBe(undefined);
  });
});
