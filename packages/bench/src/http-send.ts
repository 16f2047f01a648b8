import { type Agent, request as httpRequest } from 'node:http';
import type { ResolvedRequest } from './mix.ts';

export interface HttpAnswer {
  /** The HTTP status, or undefined when no answer came. */
  status: number | undefined;
  /** Why no answer came (e.g. ECONNREFUSED, a timeout). */
  error: string | undefined;
  /** The replica that answered (its X-Served-By header), when the stage names them. */
  servedBy: string | undefined;
  /** The answer is a stored response to an earlier request with the same Idempotency-Key. */
  replayed: boolean;
  /** Where the answer came from, from stage 4 on: the app's cache (X-Cache) and the edge's (X-Edge-Cache). */
  cache?: CacheHeaders;
}

export interface CacheHeaders {
  /** The app's X-Cache: hit, miss or bypass; absent when the request read no cached entry. */
  app: string | undefined;
  /** The edge's own header: HIT, MISS, PASS...; absent when no edge stood in front. */
  edge: string | undefined;
}

/** The edge cache's verdict header (stages/04-cache-replicas-cdn/config/varnish/default.vcl). */
export const edgeCacheHeader = 'x-edge-cache';

/** Sends one request and reads its answer to the end; never rejects: a failure is an answer without a status. */
export function sendRequest(
  agent: Agent,
  baseUrl: URL,
  next: ResolvedRequest,
  timeoutMs: number,
): Promise<HttpAnswer> {
  return new Promise((resolve) => {
    let settled = false;
    const finish = (answer: Partial<HttpAnswer>) => {
      if (settled) return;
      settled = true;
      resolve({
        status: undefined,
        error: undefined,
        servedBy: undefined,
        replayed: false,
        ...answer,
      });
    };
    const failWith = (error: Error & { code?: string }) => finish({ error: error.code ?? error.message });
    const outgoing = httpRequest(
      {
        agent,
        host: baseUrl.hostname,
        port: baseUrl.port,
        method: next.method,
        path: next.path,
        headers: next.body
          ? { ...next.headers, 'content-length': Buffer.byteLength(next.body) }
          : next.headers,
      },
      (response) => {
        response.resume();
        response.on('end', () =>
          finish({
            status: response.statusCode,
            servedBy: headerValue(response.headers['x-served-by']),
            replayed: response.headers['idempotent-replayed'] === 'true',
            cache: {
              app: headerValue(response.headers['x-cache']),
              edge: headerValue(response.headers[edgeCacheHeader]),
            },
          }),
        );
        response.on('error', failWith);
      },
    );
    outgoing.setTimeout(timeoutMs, () => outgoing.destroy(new Error(`timeout after ${timeoutMs} ms`)));
    outgoing.on('error', failWith);
    outgoing.end(next.body);
  });
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
