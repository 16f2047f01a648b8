import { defaultServerTimeouts, timeoutOptions } from '@scaling/app-kit';
import { type PoolOptions, postgresPlugin } from '@scaling/db';
import { type MetricsOptions, metricsPlugin } from '@scaling/metrics';
import type { AccessTokenVerifier } from '@scaling/tokens';
import { traceLogFields } from '@scaling/tracing';
import Fastify, { type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { type ConsumerPluginOptions, eventsConsumerPlugin } from './consumer-plugin.ts';
import { healthRoutes } from './health-routes.ts';
import { errorHandler, notFound } from './http-errors.ts';
import { notificationRoutes } from './notification-routes.ts';

export interface NotificationsAppOptions {
  logLevel: string;
  /** Where log lines go: stdout unless a test reads them back. */
  logStream?: { write(line: string): void };
  keepAliveTimeoutMs?: number;
  database: PoolOptions;
  metrics?: MetricsOptions;
  /** Verifies the app's access tokens: against its JWKS in production (`remoteVerificationKeys`). */
  accessTokens: AccessTokenVerifier;
  /** The events consumer; without it the service only serves what its database holds (a test of the API). */
  events?: Omit<ConsumerPluginOptions, 'metrics'>;
}

/**
 * The one place the service is wired: its own Postgres (`app.pg`), its metrics, the consumer of `conduit.events`
 * writing into that database, and the API under /api reading from it. Each client closes itself when the app
 * closes, the consumer before the pool it writes through.
 */
export async function buildNotificationsApp(options: NotificationsAppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    // The app's limits on slow clients: headers within 10 s, the whole request within 30 s, no idle connection past 60 s.
    ...timeoutOptions(defaultServerTimeouts),
    ...(options.keepAliveTimeoutMs ? { keepAliveTimeout: options.keepAliveTimeoutMs } : {}),
    frameworkErrors: errorHandler,
    logger: {
      level: options.logLevel,
      redact: ['req.headers.authorization'],
      mixin: traceLogFields,
      ...(options.logStream ? { stream: options.logStream } : {}),
    },
  });
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler(notFound);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  if (options.metrics) await app.register(metricsPlugin, options.metrics);
  await app.register(postgresPlugin, { ...options.database, metrics: options.metrics?.registry });
  if (options.events) {
    await app.register(eventsConsumerPlugin, {
      ...options.events,
      ...(options.metrics ? { metrics: options.metrics.registry } : {}),
    });
  }
  await app.register(
    async (api) => {
      await api.register(healthRoutes);
      await api.register(notificationRoutes, { accessTokens: options.accessTokens });
    },
    { prefix: '/api' },
  );
  return app;
}
