import { Redis } from 'ioredis';

export interface RedisClientOptions {
  /** `redis://host:port/db`, or the path of a Unix socket. */
  url: string;
  /** A command that gets no answer in this time fails, instead of holding the request that waits for it. */
  commandTimeoutMs?: number;
  connectTimeoutMs?: number;
}

export interface RedisConnectionLogger {
  warn(details: object, message: string): void;
  info(details: object, message: string): void;
}

export const defaultCommandTimeoutMs = 500;
export const defaultConnectTimeoutMs = 1000;
/** The longest wait between reconnection attempts: after Redis comes back, clients find it within a second. */
const maxReconnectDelayMs = 1000;

/**
 * An ioredis client that fails fast while Redis is away, so callers can answer "unavailable" at once:
 * no offline queue (a command sent while disconnected is rejected, not parked), no resending of commands
 * lost with a connection (a resent SET NX could contradict its own first run), and a short command timeout.
 * It keeps reconnecting in the background, so everything recovers when Redis is back.
 */
export function createRedisClient(options: RedisClientOptions, logger?: RedisConnectionLogger): Redis {
  const client = new Redis(options.url, {
    commandTimeout: options.commandTimeoutMs ?? defaultCommandTimeoutMs,
    connectTimeout: options.connectTimeoutMs ?? defaultConnectTimeoutMs,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    retryStrategy: (attempt) => Math.min(attempt * 100, maxReconnectDelayMs),
    // Redis before 7.2 (Debian 12 ships 7.0) answers the CLIENT SETINFO sent on each connection with an error,
    // which would count as failing commands in redis_command_errors_total on every reconnection.
    disableClientInfo: true,
  });
  // Every failed reconnection emits 'error'; one line when the connection is lost and one when it is back is enough.
  let connectionLost = false;
  client.on('error', (error: Error) => {
    if (connectionLost) return;
    connectionLost = true;
    logger?.warn({ err: error }, 'The Redis connection failed; reconnecting in the background.');
  });
  client.on('ready', () => {
    if (!connectionLost) return;
    connectionLost = false;
    logger?.info({}, 'The Redis connection is back.');
  });
  return client;
}

/**
 * Waits for the first connection, up to `timeoutMs`: commands sent before it would fail (there is no offline
 * queue). False when Redis did not answer in time; the client keeps trying in the background.
 */
export async function waitUntilReady(client: Redis, timeoutMs = defaultConnectTimeoutMs): Promise<boolean> {
  if (client.status === 'ready') return true;
  return new Promise((resolve) => {
    const settle = (ready: boolean) => {
      clearTimeout(timer);
      client.off('ready', onReady);
      resolve(ready);
    };
    const onReady = () => settle(true);
    const timer = setTimeout(() => settle(false), timeoutMs);
    client.on('ready', onReady);
  });
}

/** A client whose first connection is up (or failed to come up within the connect timeout). */
export async function connectRedisClient(
  options: RedisClientOptions,
  logger?: RedisConnectionLogger,
): Promise<Redis> {
  const client = createRedisClient(options, logger);
  await waitUntilReady(client, options.connectTimeoutMs ?? defaultConnectTimeoutMs);
  return client;
}

/**
 * QUIT lets Redis answer what is in flight, and resolves once the socket is closed. Without a connection
 * (Redis down, reconnecting) there is nothing to say QUIT on: disconnect() cancels the pending reconnection.
 */
export async function closeRedisClient(client: Redis): Promise<void> {
  if (client.status !== 'ready') {
    client.disconnect();
    return;
  }
  const ended = new Promise<void>((resolve) => client.once('end', () => resolve()));
  await client.quit().catch(() => client.disconnect());
  await ended;
}
