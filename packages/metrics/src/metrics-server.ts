import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

export interface MetricsListen {
  host: string;
  port: number;
}

/** What `GET /health` answers beside the metrics, for a process without an API of its own (the autoscaler). */
export interface HealthReport {
  healthy: boolean;
  /** Serialized as the JSON body. */
  details: object;
}

export interface MetricsServerOptions {
  /** Serves `GET /health`: 200 when healthy, 503 otherwise, with the details as JSON. */
  health?: () => HealthReport;
}

export interface MetricsServer {
  /** Where Prometheus scrapes, e.g. `http://127.0.0.1:9464/metrics`. */
  url: string;
  close(): Promise<void>;
}

/** How long a scrape may take to arrive; Prometheus sends its request at once, anything slower is not a scraper. */
const requestTimeoutMs = 5_000;

/**
 * A plain node:http server for `GET /metrics`, on a port of its own so the API port never publishes the process's
 * internals and a scrape never waits behind API requests in the same server's queue.
 */
export async function startMetricsServer(
  registry: Registry,
  listen: MetricsListen,
  options: MetricsServerOptions = {},
): Promise<MetricsServer> {
  const { health } = options;
  const server = createServer((request, response) => {
    if (health && request.method === 'GET' && request.url === '/health') {
      const report = health();
      response
        .writeHead(report.healthy ? 200 : 503, { 'content-type': 'application/json' })
        .end(JSON.stringify(report.details));
      return;
    }
    if (request.url !== '/metrics' && !request.url?.startsWith('/metrics?')) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('Not found: metrics are at /metrics.\n');
      return;
    }
    if (request.method !== 'GET') {
      response.writeHead(405, { allow: 'GET', 'content-type': 'text/plain' }).end('Use GET.\n');
      return;
    }
    registry.metrics().then(
      (text) => response.writeHead(200, { 'content-type': registry.contentType }).end(text),
      (error: Error) =>
        response
          .writeHead(500, { 'content-type': 'text/plain' })
          .end(`Collecting metrics failed: ${error.message}\n`),
    );
  });
  server.requestTimeout = requestTimeoutMs;
  server.headersTimeout = requestTimeoutMs;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => reject(bindFailure(error, listen)));
    server.listen(listen.port, listen.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = listen.host.includes(':') ? `[${listen.host}]` : listen.host;
  return {
    url: `http://${host}:${port}/metrics`,
    close: () =>
      new Promise((resolve) => {
        // Prometheus keeps its connection alive between scrapes: without this, close() would wait for it forever.
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function bindFailure(error: NodeJS.ErrnoException, { host, port }: MetricsListen): Error {
  const advice =
    error.code === 'EADDRINUSE'
      ? `another process holds that port: give every process on this host its own METRICS_PORT`
      : `set HOST to an address of this machine and METRICS_PORT to a free port`;
  return Object.assign(
    new Error(
      `Cannot serve metrics on ${host}:${port} (${error.code ?? error.message}): ${advice}, and start again.`,
      {
        cause: error,
      },
    ),
    { code: 'METRICS_LISTEN_FAILED' },
  );
}
