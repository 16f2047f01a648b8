import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { createMemorySessionStore } from '@scaling/sessions';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { buildConduitApp } from '../src/index.ts';

const headersTimeout = 400;
const requestTimeout = 800;

interface SlowClientResult {
  /** What the server wrote before it closed the connection. */
  answer: string;
  /** Milliseconds from the first byte to the close. */
  closedAfterMs: number;
}

/**
 * A client that sends `head` at once, then `trickle` one byte every 50 ms, and keeps going (repeating `trickle`)
 * until the server closes the connection or `giveUpMs` passes.
 */
function slowClient(
  port: number,
  head: string,
  trickle: string,
  giveUpMs: number,
): Promise<SlowClientResult> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const started = Date.now();
    let answer = '';
    let sent = 0;
    let ticker: NodeJS.Timeout | undefined;
    const giveUp = setTimeout(() => {
      socket.destroy();
      reject(new Error(`The server kept the slow connection open for ${giveUpMs} ms.`));
    }, giveUpMs);
    socket.setEncoding('utf8');
    socket.on('data', (chunk) => {
      answer += chunk;
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(giveUp);
      clearInterval(ticker);
      resolve({ answer, closedAfterMs: Date.now() - started });
    });
    socket.on('connect', () => {
      socket.write(head);
      ticker = setInterval(() => {
        if (!socket.writable) return;
        socket.write(trickle[sent % trickle.length] ?? '');
        sent += 1;
      }, 50);
    });
  });
}

describe('a client that sends slowly', async () => {
  const app = await buildConduitApp({
    logLevel: 'silent',
    server: { timeouts: { headersTimeout, requestTimeout } },
    database: { connectionString: inject('databaseUrl'), max: 1 },
    conduit: { sessions: createMemorySessionStore() },
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  afterAll(async () => {
    await app.close();
  });

  it('When its headers arrive a byte at a time, then it gets a 408 and its connection is closed at the headers timeout', async () => {
    const result = await slowClient(
      port,
      'GET /api/tags HTTP/1.1\r\nHost: conduit\r\n',
      'X-Slow: loris\r\n',
      5_000,
    );

    expect(result.answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(result.closedAfterMs).toBeGreaterThanOrEqual(headersTimeout - 50);
    expect(result.closedAfterMs).toBeLessThan(headersTimeout + 600);
  });

  it('When its body arrives a byte at a time, then it gets a 408 and its connection is closed at the request timeout', async () => {
    const head = [
      'POST /api/users/login HTTP/1.1',
      'Host: conduit',
      'Content-Type: application/json',
      'Content-Length: 100000',
      '',
      '',
    ].join('\r\n');
    const result = await slowClient(port, head, ' ', 5_000);

    expect(result.answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(result.closedAfterMs).toBeGreaterThanOrEqual(requestTimeout - 50);
    expect(result.closedAfterMs).toBeLessThan(requestTimeout + 600);
  });

  it('When a kept-alive connection idles past both timeouts between requests, then it still serves the next one', async () => {
    // nginx keeps idle connections to the replicas for reuse: the timeouts must not close them under its next request.
    const socket = connect(port, '127.0.0.1');
    socket.setEncoding('utf8');
    const answers: string[] = [];
    const nextAnswer = () =>
      new Promise<string>((resolve, reject) => {
        socket.once('data', (chunk: string) => resolve(chunk));
        socket.once('close', () => reject(new Error('The server closed the kept-alive connection.')));
      });
    const request = 'GET /api/health HTTP/1.1\r\nHost: conduit\r\n\r\n';

    socket.write(request);
    answers.push(await nextAnswer());
    await new Promise((resolve) => setTimeout(resolve, requestTimeout + 400));
    socket.write(request);
    answers.push(await nextAnswer());
    socket.destroy();

    expect(answers.map((answer) => answer.split('\r\n')[0])).toEqual(['HTTP/1.1 200 OK', 'HTTP/1.1 200 OK']);
  });
});
