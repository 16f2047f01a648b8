import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { type KeyRing, type KeyRingOptions, startKeyRing } from './key-ring.ts';

declare module 'fastify' {
  interface FastifyInstance {
    keyRing: KeyRing;
  }
}

export type KeyRingPluginOptions = Omit<KeyRingOptions, 'onReloadError'>;

async function keyRing(app: FastifyInstance, options: KeyRingPluginOptions): Promise<void> {
  const ring = await startKeyRing(app.pg, {
    ...options,
    onReloadError: (error) =>
      app.log.error({ err: error }, 'Reloading the signing keys failed; the ring keeps the keys it has.'),
  });
  app.decorate('keyRing', ring);
  app.addHook('onClose', async () => ring.close());
}

/** The signing keys from `app.pg` as `app.keyRing`, reloaded in the background; the reloads stop on close. */
export const keyRingPlugin = fp(keyRing, { name: 'key-ring', fastify: '5.x', dependencies: ['postgres'] });
