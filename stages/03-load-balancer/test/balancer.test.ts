import { type IncomingHttpHeaders, request } from 'node:http';
import { stackKill, stackStartService, stackStopService, stackWaitReady } from '@scaling/stack';
import { buildArticle, expectOfficialSuitePasses, registerUser, uniqueSuffix } from '@scaling/testing';
import { describe, expect, it } from 'vitest';
import { useStage3 } from './support/booted-stage.ts';

const stage = useStage3();

const asUser = (token: string) => ({ headers: { authorization: `Token ${token}` } });

/** Status and replica of `count` requests, one after the other through nginx. */
async function sample(path: string, count: number, init: RequestInit = {}) {
  const rows: { status: number; servedBy: string | null }[] = [];
  for (let index = 0; index < count; index += 1) {
    const response = await fetch(`${stage.apiUrl()}${path}`, init);
    await response.body?.cancel();
    rows.push({ status: response.status, servedBy: response.headers.get('x-served-by') });
  }
  return rows;
}

describe('Stage 3 booted natively: nginx in front of three replicas', () => {
  it('When the official RealWorld suite runs through nginx, then every request and assertion passes', async () => {
    await expectOfficialSuitePasses(stage.apiUrl());
  }, 300_000);

  it('When a few requests go through nginx, then X-Served-By shows them spread over the replicas', async () => {
    const rows = await sample('/tags', 9);
    expect(rows.every((row) => row.status === 200)).toBe(true);
    expect(new Set(rows.map((row) => row.servedBy)).size).toBeGreaterThanOrEqual(2);
    for (const row of rows) expect(row.servedBy).toMatch(/^app\.\d+$/);
  });

  it('When a token is issued by one replica, then every replica accepts it, until logout on any one revokes it', async () => {
    const token = await registerUser(stage.apiUrl());
    const rows = await sample('/user', 9, asUser(token));
    expect(rows.map((row) => row.status)).toEqual(Array(9).fill(200));
    expect(new Set(rows.map((row) => row.servedBy)).size).toBeGreaterThanOrEqual(2);

    const logout = await fetch(`${stage.apiUrl()}/users/logout`, { method: 'POST', ...asUser(token) });
    expect(logout.status).toBe(204);
    const after = await sample('/user', 6, asUser(token));
    expect(after.map((row) => row.status)).toEqual(Array(6).fill(401));
  });

  it('When a POST with an Idempotency-Key is retried through nginx, then the replay comes from Redis on any replica and one article exists', async () => {
    const token = await registerUser(stage.apiUrl());
    const post = {
      method: 'POST',
      headers: {
        authorization: `Token ${token}`,
        'content-type': 'application/json',
        'idempotency-key': `retry-${uniqueSuffix()}`,
      },
      body: JSON.stringify({ article: buildArticle() }),
    };
    const first = await fetch(`${stage.apiUrl()}/articles`, post);
    const firstBody = await first.text();
    const retries = await Promise.all(
      [1, 2, 3].map(async () => {
        const response = await fetch(`${stage.apiUrl()}/articles`, post);
        return { response, body: await response.text() };
      }),
    );
    expect(first.status).toBe(201);
    for (const retry of retries) {
      expect(retry.response.status).toBe(201);
      expect(retry.response.headers.get('idempotent-replayed')).toBe('true');
      expect(retry.body).toBe(firstBody);
    }
    const author = (JSON.parse(firstBody) as { article: { author: { username: string } } }).article.author;
    const list = await fetch(`${stage.apiUrl()}/articles?author=${author.username}`);
    expect(((await list.json()) as { articlesCount: number }).articlesCount).toBe(1);
  });

  it('When one replica is killed (SIGKILL) while GETs keep coming, then no GET fails and the replica comes back', async () => {
    let stop = false;
    const statuses: number[] = [];
    const clients = Array.from({ length: 4 }, async () => {
      while (!stop) {
        const response = await fetch(`${stage.apiUrl()}/articles?limit=5`).catch(() => null);
        await response?.body?.cancel();
        statuses.push(response?.status ?? 0);
      }
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    await stackKill(3, 'app.2', { signal: 'SIGKILL' });
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    stop = true;
    await Promise.all(clients);
    expect(statuses.length).toBeGreaterThan(20);
    expect(statuses.filter((status) => status !== 200)).toEqual([]);

    await stackWaitReady(3, 'app.2', { readyTimeoutMs: 60_000 });
    await expect
      .poll(async () => new Set((await sample('/tags', 6)).map((row) => row.servedBy)).has('app.2'), {
        timeout: 30_000,
        interval: 1_000,
      })
      .toBe(true);
  }, 120_000);

  it('When Redis stops, then authenticated requests get 503, anonymous reads work, and the session is back with Redis', async () => {
    const token = await registerUser(stage.apiUrl());
    await stackStopService(3, 'redis');
    try {
      const authenticated = await fetch(`${stage.apiUrl()}/user`, asUser(token));
      expect(authenticated.status).toBe(503);
      expect(await authenticated.json()).toEqual({
        errors: { session: ['store is unavailable right now; retry in a few seconds'] },
      });
      // More 503s than max_fails per replica: nginx must not take this for replicas failing (all would be out).
      const more = await sample('/user', 9, asUser(token));
      expect(more.map((row) => row.status)).toEqual(Array(9).fill(503));
      const anonymous = await sample('/articles?limit=5', 6);
      expect(anonymous.map((row) => row.status)).toEqual(Array(6).fill(200));
    } finally {
      await stackStartService(3, 'redis');
    }
    // Redis keeps an append-only file, so the session survived its restart; each replica reconnects within ~1 s.
    await expect
      .poll(async () => (await sample('/user', 6, asUser(token))).every((row) => row.status === 200), {
        timeout: 15_000,
        interval: 500,
      })
      .toBe(true);
  }, 120_000);

  it('When nginx answers, then its Server header names no version', async () => {
    const response = await fetch(`${stage.apiUrl()}/tags`);
    await response.body?.cancel();
    expect(response.headers.get('server')).toBe('nginx');
  });

  it('When a method nginx refuses itself (TRACE) is sent, then it answers 405 with Allow in the API error shape', async () => {
    // fetch() will not send TRACE at all, so a plain HTTP request does.
    const response = await new Promise<{ status?: number; headers: IncomingHttpHeaders; body: string }>(
      (resolve, reject) => {
        request(`${stage.apiUrl()}/tags`, { method: 'TRACE' }, (answer) => {
          let body = '';
          answer.setEncoding('utf8');
          answer.on('data', (chunk: string) => {
            body += chunk;
          });
          answer.on('end', () => resolve({ status: answer.statusCode, headers: answer.headers, body }));
        })
          .once('error', reject)
          .end();
      },
    );
    expect(response.status).toBe(405);
    expect(response.headers.allow).toBe('GET, HEAD, POST, PUT, DELETE, OPTIONS');
    expect(response.headers['content-type']).toBe('application/json');
    expect(JSON.parse(response.body)).toEqual({
      errors: { method: ['is not allowed; use one of those in Allow'] },
    });
  });

  it('When one address sends logins far faster than people do, then nginx answers the excess with 429 and Retry-After before any replica', async () => {
    const attempts = await Promise.all(
      Array.from({ length: 60 }, async () => {
        const response = await fetch(`${stage.apiUrl()}/users/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            user: { email: `nobody-${uniqueSuffix()}@example.com`, password: 'wrong-guess' },
          }),
        });
        return { response, body: await response.text() };
      }),
    );
    // nginx's own answers name no replica; the burst of 30 goes through to the app (which refuses the guesses).
    const refused = attempts.filter(({ response }) => response.headers.get('x-served-by') === null);
    expect(refused.length).toBeGreaterThanOrEqual(20);
    for (const { response, body } of refused) {
      expect(response.status).toBe(429);
      expect(response.headers.get('retry-after')).toBe('1');
      expect(JSON.parse(body)).toEqual({
        errors: { requests: ['are too many from your address; retry after the seconds in Retry-After'] },
      });
    }
    expect(attempts.length - refused.length).toBeGreaterThanOrEqual(30);
  });
});
