import { type PoolOptions, postgresPlugin } from '@scaling/db';
import { type MetricsOptions, metricsPlugin } from '@scaling/metrics';
import { traceLogFields } from '@scaling/tracing';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { frameworkErrors } from './http/error-handler.ts';
import { defaultServerTimeouts, type ServerTimeouts, timeoutOptions } from './http/server-timeouts.ts';
import { trustProxyHop } from './http/trusted-proxy.ts';
import type { ConduitOptions } from './options.ts';
import { conduit } from './plugin.ts';
import { createRepositories, type Database, type Repositories } from './repositories.ts';

/** What a stage (or a test) chooses for the API; the repositories come from the app's database. */
export type ConduitApiOptions = Omit<ConduitOptions, 'repositories'>;

export interface ConduitAppOptions {
  logLevel: string;
  /** Where log lines go: stdout unless a test reads them back. */
  logStream?: { write(line: string): void };
  /**
   * HTTP server settings a stage tunes: keep-alive behind a balancer, the subnets its proxy connects from (the
   * client address is then the one the proxy saw; with none, the socket's), and the timeouts on slow clients
   * (`defaultServerTimeouts` unless set).
   */
  server?: Pick<FastifyServerOptions, 'keepAliveTimeout' | 'return503OnClosing'> & {
    trustedProxies?: readonly string[];
    timeouts?: Partial<ServerTimeouts>;
  };
  database: PoolOptions;
  /**
   * The process's metrics registry and where to serve it: the app then measures its requests and its pool into it,
   * and the stage hands the same registry to the clients it adds.
   */
  metrics?: MetricsOptions;
  /** Clients the stage adds (Redis, ...), registered after Postgres and before the API that uses them. */
  clients?: (app: FastifyInstance) => Promise<void>;
  /**
   * How the routes reach the data, built on the app's database: `createRepositories` unless a stage routes reads
   * to replicas or puts a cache in front of a repository.
   */
  repositories?: (database: Database, app: FastifyInstance) => Repositories;
  /** What differs between stages: the session store, the hooks; built from the app when it needs its clients. */
  conduit: ConduitApiOptions | ((app: FastifyInstance) => ConduitApiOptions);
}

/**
 * The one place the app is wired, for every stage and every test: Fastify, its pg pool (`app.pg`, ended when the
 * app closes), the stage's clients, and the API on repositories built from that pool. Tokens stay out of the
 * request logs, and no client can hold a connection open by sending slowly.
 */
export async function buildConduitApp(options: ConduitAppOptions): Promise<FastifyInstance> {
  const { timeouts, trustedProxies, ...server } = options.server ?? {};
  const app = Fastify({
    ...server,
    ...timeoutOptions({ ...defaultServerTimeouts, ...timeouts }),
    ...(trustedProxies ? { trustProxy: trustProxyHop(trustedProxies) } : {}),
    frameworkErrors,
    logger: {
      level: options.logLevel,
      redact: ['req.headers.authorization'],
      // Every line written while a request is traced names its trace: from a log line to the trace in Zipkin.
      mixin: traceLogFields,
      ...(options.logStream ? { stream: options.logStream } : {}),
    },
  });
  if (options.metrics) await app.register(metricsPlugin, options.metrics);
  await app.register(postgresPlugin, { ...options.database, metrics: options.metrics?.registry });
  await options.clients?.(app);
  const api = typeof options.conduit === 'function' ? options.conduit(app) : options.conduit;
  const repositories = (options.repositories ?? createRepositories)({ primary: app.pg }, app);
  await app.register(conduit, { ...api, repositories });
  return app;
}
