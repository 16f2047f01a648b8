import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { type ReplicaSetOptions, startReplicaSet } from './pg-replica-set.ts';
import type { ReplicaSet } from './replica-set.ts';

declare module 'fastify' {
  interface FastifyInstance {
    replicas: ReplicaSet;
  }
}

export type ReplicasPluginOptions = ReplicaSetOptions;

async function replicas(app: FastifyInstance, options: ReplicasPluginOptions): Promise<void> {
  const set = await startReplicaSet(options, app.log);
  app.decorate('replicas', set as ReplicaSet);
  app.addHook('onClose', () => set.close());
}

/**
 * The read replicas as `app.replicas`: a pool per replica, polled from the first request on (startup waits for
 * one poll); stops polling and ends the replicas' pools when the app closes. With no URLs every read runs on the
 * primary, and `primaryLsn()` still serves the cache's invalidation.
 */
export const replicasPlugin = fp(replicas, { name: 'replicas', fastify: '5.x' });
