import { createMemorySessionStore } from '@scaling/sessions';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { buildConduitApp } from '../src/index.ts';

/** An app whose request log lines are kept, to read the client address it logged for each request. */
async function buildLoggingApp(trustedProxies?: readonly string[]) {
  const lines: Array<{ msg?: string; req?: { url: string; remoteAddress: string } }> = [];
  const app = await buildConduitApp({
    logLevel: 'info',
    logStream: { write: (line) => lines.push(JSON.parse(line)) },
    ...(trustedProxies ? { server: { trustedProxies } } : {}),
    database: { connectionString: inject('databaseUrl'), max: 1 },
    conduit: { sessions: createMemorySessionStore() },
  });
  /** The address the app logged for a request to /api/health from `from`, sending `forwardedFor`. */
  const loggedAddress = async (from: string, forwardedFor?: string) => {
    const url = `/api/health?probe=${lines.length}`;
    await app.inject({
      method: 'GET',
      url,
      remoteAddress: from,
      headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor },
    });
    return lines.find((line) => line.msg === 'incoming request' && line.req?.url === url)?.req?.remoteAddress;
  };
  return { app, loggedAddress };
}

describe('the client address behind a proxy', async () => {
  const behindNginx = await buildLoggingApp(['127.0.0.0/8', '10.0.0.0/8']);
  const direct = await buildLoggingApp();
  afterAll(async () => {
    await Promise.all([behindNginx.app.close(), direct.app.close()]);
  });

  it('When nginx forwards a request, then the address logged is the one nginx saw, not one the client wrote', async () => {
    // nginx appends the address it saw to whatever X-Forwarded-For the client sent.
    expect(await behindNginx.loggedAddress('127.0.0.1', '203.0.113.9')).toBe('203.0.113.9');
    expect(await behindNginx.loggedAddress('10.1.2.3', '192.0.2.1, 203.0.113.9')).toBe('203.0.113.9');
    // How an IPv4 peer looks to a server listening on all IPv6 and IPv4 addresses (HOST=::).
    expect(await behindNginx.loggedAddress('::ffff:127.0.0.1', '203.0.113.9')).toBe('203.0.113.9');
  });

  it('When a client that is not the proxy sends X-Forwarded-For, then its own address is logged', async () => {
    expect(await behindNginx.loggedAddress('198.51.100.4', '192.0.2.1')).toBe('198.51.100.4');
  });

  it('When no proxy is trusted (stages 1 and 2), then X-Forwarded-For is ignored', async () => {
    expect(await direct.loggedAddress('127.0.0.1', '203.0.113.9')).toBe('127.0.0.1');
  });
});
