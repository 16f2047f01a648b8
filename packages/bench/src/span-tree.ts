/** The fields of a Zipkin v2 span (GET /api/v2/trace/{id}) that the tree shows. */
export interface ZipkinSpan {
  traceId: string;
  id: string;
  parentId?: string;
  name?: string;
  kind?: 'CLIENT' | 'SERVER' | 'PRODUCER' | 'CONSUMER';
  /** Microseconds since the epoch. */
  timestamp?: number;
  /** Microseconds. */
  duration?: number;
  localEndpoint?: ZipkinEndpoint;
  remoteEndpoint?: ZipkinEndpoint;
  tags?: Record<string, string>;
}

export interface ZipkinEndpoint {
  serviceName?: string;
  ipv4?: string;
  ipv6?: string;
  port?: number;
}

/**
 * One line per span, children under their parent in the order they started: service, kind, name, duration and
 * where a client span went. A span whose parent Zipkin never received (nginx names one it never sends) is a root.
 */
export function renderSpanTree(spans: ZipkinSpan[]): string[] {
  const ids = new Set(spans.map((span) => span.id));
  const children = new Map<string | undefined, ZipkinSpan[]>();
  for (const span of spans) {
    const parent = span.parentId !== undefined && ids.has(span.parentId) ? span.parentId : undefined;
    children.set(parent, [...(children.get(parent) ?? []), span]);
  }
  const lines: string[] = [];
  const visit = (parent: string | undefined, indent: string) => {
    const siblings = [...(children.get(parent) ?? [])].sort(
      (a, b) => (a.timestamp ?? 0) - (b.timestamp ?? 0),
    );
    siblings.forEach((span, index) => {
      const last = index === siblings.length - 1;
      const branch = parent === undefined ? '' : last ? '└─ ' : '├─ ';
      lines.push(`${indent}${branch}${describeSpan(span)}`);
      visit(span.id, parent === undefined ? indent : `${indent}${last ? '   ' : '│  '}`);
    });
  };
  visit(undefined, '');
  return lines;
}

function describeSpan(span: ZipkinSpan): string {
  const service = span.localEndpoint?.serviceName ?? 'unknown service';
  const kind = span.kind ? ` ${span.kind}` : '';
  const duration = span.duration === undefined ? 'no duration' : `${(span.duration / 1000).toFixed(2)} ms`;
  const remote = remoteAddress(span);
  return `${service}${kind} "${span.name ?? 'unnamed'}" ${duration}${remote ? ` → ${remote}` : ''}`;
}

/** Zipkin's remote endpoint when the exporter filled it, else the peer the instrumentation tagged. */
function remoteAddress(span: ZipkinSpan): string | undefined {
  const remote = span.remoteEndpoint;
  const tags = span.tags ?? {};
  const host =
    remote?.serviceName ?? remote?.ipv4 ?? remote?.ipv6 ?? tags['server.address'] ?? tags['net.peer.name'];
  const port = remote?.port ?? tags['server.port'] ?? tags['net.peer.port'];
  if (host === undefined && port === undefined) return undefined;
  return port === undefined ? host : `${host ?? ''}:${port}`;
}
