import { connect } from 'node:net';
import pg from 'pg';
import { brokerAnswers } from './kafka-broker.ts';
import { ensureDatabase } from './postgres.ts';
import type { ReadinessProbe } from './types.ts';

/** One readiness check; `up` repeats it until it passes, the process dies, or the time is up. */
export async function probeOnce(probe: ReadinessProbe): Promise<boolean> {
  switch (probe.type) {
    case 'postgres':
      return ensureDatabase(probe.cluster).then(
        () => true,
        () => false,
      );
    case 'query':
      return queryOnce(probe.url);
    case 'http':
      return fetch(probe.url, { signal: AbortSignal.timeout(2000) }).then(
        async (response) => {
          await response.body?.cancel();
          return response.ok || probe.anyStatus === true;
        },
        () => false,
      );
    case 'redis':
      return redisPing(probe.port, probe.password);
    case 'kafka':
      return brokerAnswers(probe.port);
    case 'tcp':
      return new Promise((resolve) => {
        const socket = connect({ port: probe.port, host: '127.0.0.1', timeout: 1000 });
        const settle = (listening: boolean) => {
          socket.destroy();
          resolve(listening);
        };
        socket.once('connect', () => settle(true));
        socket.once('error', () => settle(false));
        socket.once('timeout', () => settle(false));
      });
    case 'started':
      return true;
    case 'exit':
      return false;
  }
}

export function describeProbe(probe: ReadinessProbe): string {
  switch (probe.type) {
    case 'postgres':
      return `accept connections on port ${probe.cluster.port}`;
    case 'query':
      return `answer a query on port ${new URL(probe.url).port}`;
    case 'http':
      return `answer GET ${probe.url}${probe.anyStatus ? '' : ' with 2xx'}`;
    case 'redis':
      return `answer PING on port ${probe.port}`;
    case 'kafka':
      return `answer a Kafka Metadata request on port ${probe.port}`;
    case 'tcp':
      return `listen on port ${probe.port}`;
    case 'started':
      return 'keep running';
    case 'exit':
      return 'exit with code 0';
  }
}

async function queryOnce(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000, query_timeout: 2000 });
  // A connection cut after connecting is an event, not a rejection: without a listener it would end the process.
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

/** Speaks just enough RESP: `AUTH` when there is a password, then `PING`, expecting `+PONG`. */
function redisPing(port: number, password: string | undefined): Promise<boolean> {
  const command = (...args: string[]) =>
    `*${args.length}\r\n${args.map((arg) => `$${Buffer.byteLength(arg)}\r\n${arg}\r\n`).join('')}`;
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1', timeout: 1000 });
    let answer = '';
    const settle = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => {
      socket.write((password === undefined ? '' : command('AUTH', password)) + command('PING'));
    });
    socket.on('data', (chunk) => {
      answer += chunk.toString('utf8');
      if (answer.includes('+PONG\r\n')) settle(true);
      else if (answer.startsWith('-') || answer.includes('\r\n-')) settle(false);
    });
    socket.once('error', () => settle(false));
    socket.once('timeout', () => settle(false));
    socket.once('end', () => settle(false));
  });
}
