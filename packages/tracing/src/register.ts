/**
 * Loaded before the service's entry point (`node --import ./packages/tracing/src/register.ts <entry>.ts`): ES
 * modules are bound when imported, so pg and ioredis can only be patched if the loader hook and the
 * instrumentations are in place before anything imports them.
 */
import { subscribe } from 'node:diagnostics_channel';
import { register } from 'import-in-the-middle/register-hooks.mjs';
import { instrumentedModules } from './instrumentations.ts';
import { startTracing } from './start-tracing.ts';
import { loadTracingConfig } from './tracing-config.ts';

/** The one hook this module adds to each Fastify app it sees. */
interface ClosingApp {
  addHook(name: 'onClose', hook: () => Promise<void>): unknown;
}

const tracing = startTracing(loadTracingConfig());

if (tracing) {
  // In-thread (module.registerHooks, Node >= 24.11.1): the type-stripped entry point and every module outside the
  // list load untouched, and no loader thread has to be told about each hook.
  register({ include: instrumentedModules });
  // The app's close (on SIGTERM, after the drain) is the last moment its spans exist: export them before it exits.
  subscribe('fastify.initialization', (message) => {
    (message as { fastify: ClosingApp }).fastify.addHook('onClose', () => tracing.flush());
  });
  process.once('beforeExit', () => void tracing.shutdown());
}
