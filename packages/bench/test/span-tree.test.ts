import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderSpanTree, type ZipkinSpan } from '../src/span-tree.ts';

/** A trace of one POST /api/articles through stage 3's nginx, as Zipkin returned it during `pnpm observe 3`. */
const capturedTrace = JSON.parse(
  readFileSync(new URL('fixtures/zipkin-trace.json', import.meta.url), 'utf8'),
) as ZipkinSpan[];

function buildSpan(overrides: Partial<ZipkinSpan> = {}): ZipkinSpan {
  return {
    traceId: 'b'.repeat(32),
    id: '1'.repeat(16),
    name: 'get /api/tags',
    kind: 'SERVER',
    timestamp: 1_000_000,
    duration: 2_500,
    localEndpoint: { serviceName: 'conduit-app' },
    ...overrides,
  };
}

describe('renderSpanTree', () => {
  it('When a captured trace is rendered, then the server span is the root and every other span sits under its parent', () => {
    const lines = renderSpanTree(capturedTrace);

    expect(lines).toHaveLength(capturedTrace.length);
    expect(lines[0]).toBe('conduit-app SERVER "post /api/articles" 50.75 ms');
    expect(lines[1]).toBe('├─ conduit-app CLIENT "getex" 0.83 ms → 127.0.0.1:16379');
    expect(lines[2]).toBe('└─ conduit-app "handler - articleroutes" 45.56 ms');
    expect(lines[3]).toBe('   ├─ conduit-app CLIENT "pg-pool.connect" 20.05 ms → 127.0.0.1:16432');
    expect(lines[4]).toBe('   │  └─ conduit-app CLIENT "pg.connect" 17.32 ms → 127.0.0.1:16432');
    expect(lines.at(-1)).toBe('   └─ conduit-app CLIENT "pg.query:select conduit" 3.77 ms → 127.0.0.1:16432');
  });

  it('When siblings arrive out of order, then they are listed in the order they started', () => {
    const root = buildSpan();
    const later = buildSpan({
      id: '3'.repeat(16),
      parentId: root.id,
      kind: 'CLIENT',
      name: 'later',
      timestamp: 1_002_000,
    });
    const earlier = buildSpan({
      id: '2'.repeat(16),
      parentId: root.id,
      kind: 'CLIENT',
      name: 'earlier',
      timestamp: 1_001_000,
    });

    const lines = renderSpanTree([later, root, earlier]);

    expect(lines.map((line) => /"(.+)"/.exec(line)?.[1])).toEqual(['get /api/tags', 'earlier', 'later']);
  });

  it('When the remote endpoint is filled rather than tagged, then the call shows it, and a span without either shows none', () => {
    const root = buildSpan();
    const call = buildSpan({
      id: '2'.repeat(16),
      parentId: root.id,
      kind: 'CLIENT',
      remoteEndpoint: { serviceName: 'pgbouncer', port: 6432 },
    });

    const lines = renderSpanTree([root, call]);

    expect(lines[0]).not.toContain('→');
    expect(lines[1]).toBe('└─ conduit-app CLIENT "get /api/tags" 2.50 ms → pgbouncer:6432');
  });
});
