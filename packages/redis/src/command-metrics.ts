import { tracingChannel } from 'node:diagnostics_channel';
import { buckets, Counter, Histogram, metricOnce, type Registry } from '@scaling/metrics';
import { isRedisUnavailable } from './unavailable.ts';

/** What ioredis publishes on its `ioredis:command` tracing channel for each command it writes to the socket. */
interface CommandContext {
  command: string;
  error?: unknown;
}

/**
 * ioredis (6.0 on) reports every command it sends on this diagnostics channel, the hook OpenTelemetry uses too:
 * no wrapping of the client. A command refused before it is sent (no connection, since the offline queue is off)
 * never reaches the channel; the connection's own log lines report those outages.
 */
const commands = tracingChannel<string, CommandContext>('ioredis:command');

/** One subscription per registry, shared by every client that reports into it and ended by the last to close. */
const subscriptions = new WeakMap<Registry, { clients: number; unsubscribe: () => void }>();

function subscribe(registry: Registry): () => void {
  const duration = metricOnce(
    registry,
    'redis_command_duration_seconds',
    () =>
      new Histogram({
        name: 'redis_command_duration_seconds',
        help: 'Time from sending a Redis command to its answer (or failure), by command.',
        labelNames: ['command'],
        buckets: [...buckets.redisCommand],
        registers: [registry],
      }),
  );
  const errors = metricOnce(
    registry,
    'redis_command_errors_total',
    () =>
      new Counter({
        name: 'redis_command_errors_total',
        help: 'Redis commands that failed, by command and kind: "unavailable" (timeout, lost connection, a transient server state) or "reply" (an error answer to a wrong command).',
        labelNames: ['command', 'kind'],
        registers: [registry],
      }),
  );
  const started = new WeakMap<CommandContext, number>();
  const handlers = {
    start: (context: CommandContext) => started.set(context, performance.now()),
    end: () => {},
    asyncStart: () => {},
    asyncEnd: (context: CommandContext) => {
      const start = started.get(context);
      if (start !== undefined)
        duration.observe({ command: context.command }, (performance.now() - start) / 1000);
    },
    error: (context: CommandContext) => {
      errors.inc({
        command: context.command,
        kind: isRedisUnavailable(context.error) ? 'unavailable' : 'reply',
      });
    },
  };
  commands.subscribe(handlers);
  return () => commands.unsubscribe(handlers);
}

/**
 * Starts measuring the Redis commands of this process into `registry` (`redis_command_*`); the returned function
 * stops, once every client that asked has.
 */
export function observeRedisCommands(registry: Registry): () => void {
  const subscription = subscriptions.get(registry) ?? { clients: 0, unsubscribe: subscribe(registry) };
  subscription.clients += 1;
  subscriptions.set(registry, subscription);
  let stopped = false;
  return () => {
    if (stopped) return;
    stopped = true;
    subscription.clients -= 1;
    if (subscription.clients > 0) return;
    subscription.unsubscribe();
    subscriptions.delete(registry);
  };
}
