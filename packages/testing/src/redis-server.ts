import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const redisServerBinary = process.env.REDIS_SERVER_BIN ?? '/usr/bin/redis-server';

/** Where the server listens: a TCP port on 127.0.0.1, or a Unix socket (no port to collide with). */
export type RedisAddress = { port: number } | { socket: string };

export interface ChildRedis {
  /** What `createRedisClient` takes: `redis://127.0.0.1:<port>` or the socket path. */
  readonly url: string;
  /** Stops the server (SIGTERM) and waits until it has exited: clients then see a refused connection. */
  stop(): Promise<void>;
  /** Starts it again at the same address, empty (nothing is persisted). */
  start(): Promise<void>;
  /** Freezes the process (SIGSTOP): connections stay open but nothing answers, like a hung server. */
  freeze(): void;
  thaw(): void;
}

function listenArguments(address: RedisAddress): string[] {
  if ('port' in address) return ['--port', String(address.port), '--bind', '127.0.0.1'];
  return ['--port', '0', '--unixsocket', address.socket, '--unixsocketperm', '700'];
}

/** One PING over a raw socket: readiness without a client library. */
function answersPing(address: RedisAddress): Promise<boolean> {
  return new Promise((resolve) => {
    const socket =
      'port' in address
        ? connect({ port: address.port, host: '127.0.0.1', timeout: 1000 })
        : connect({ path: address.socket, timeout: 1000 });
    const settle = (ready: boolean) => {
      socket.destroy();
      resolve(ready);
    };
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (chunk) => settle(chunk.toString().startsWith('+PONG')));
    socket.once('error', () => settle(false));
    socket.once('timeout', () => settle(false));
  });
}

/**
 * A throwaway redis-server as a child of this process, for tests: no persistence, no config file,
 * so every start is empty. Tests that stop or freeze Redis start their own rather than touching the shared one.
 */
export async function startChildRedis(address: RedisAddress): Promise<ChildRedis> {
  if (!existsSync(redisServerBinary)) {
    throw new Error(
      `redis-server is not installed (no ${redisServerBinary}). Run 'make bootstrap' or 'apt-get install redis-server'.`,
    );
  }
  const argv = [
    ...listenArguments(address),
    ...['--save', '', '--appendonly', 'no', '--daemonize', 'no', '--dir', tmpdir()],
  ];
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();

  async function start(): Promise<void> {
    const server = spawn(redisServerBinary, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (chunk: Buffer) => {
      output = (output + chunk).slice(-4000);
    };
    server.stdout?.on('data', keep);
    server.stderr?.on('data', keep);
    child = server;
    exited = new Promise((resolve) => server.once('exit', () => resolve()));
    const deadline = Date.now() + 10_000;
    while (!(await answersPing(address))) {
      if (server.exitCode !== null || Date.now() > deadline) {
        server.kill('SIGKILL');
        throw new Error(`redis-server did not start (${argv.join(' ')}):\n${output}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  await start();
  return {
    url: 'port' in address ? `redis://127.0.0.1:${address.port}` : address.socket,
    async stop() {
      if (!child || child.exitCode !== null || child.signalCode !== null) return;
      // A frozen process cannot act on SIGTERM until it runs again.
      child.kill('SIGCONT');
      child.kill('SIGTERM');
      await exited;
    },
    start,
    freeze() {
      child?.kill('SIGSTOP');
    },
    thaw() {
      child?.kill('SIGCONT');
    },
  };
}

export interface PrivateRedis extends ChildRedis {
  /** Stops the server for good and removes its folder. */
  dispose(): Promise<void>;
}

/** A Redis of the test's own on a Unix socket in a fresh folder: no port to pick, free to stop and freeze. */
export async function startPrivateRedis(): Promise<PrivateRedis> {
  const directory = mkdtempSync(join(tmpdir(), 'test-redis-'));
  const server = await startChildRedis({ socket: join(directory, 'redis.sock') });
  return {
    ...server,
    async dispose() {
      await server.stop();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
