import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { appDatabaseUrl, loadPlan, resolveStage } from '@scaling/stack';
import { buildArticle, buildUser, useNativeStage } from '@scaling/testing';
import pg from 'pg';
import { expect } from 'vitest';

const stage = resolveStage(2);

/**
 * Stage 2 booted natively once for its test files: each creates the rows it reads and leaves every service running,
 * so one boot serves them all (its volumes stay, as they do between runs).
 */
export function useStage2(): { apiUrl: () => string } {
  return useNativeStage(2, { shared: true });
}

/** What the app connects to, from the stage's plan: PgBouncer's native address, as the app's own role. */
export const poolerUrl = appDatabaseUrl(loadPlan(stage));

export async function withClient<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: poolerUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** What a service of the running stage has logged so far (the native runner keeps one file per process). */
export function serviceLog(instance: string): string {
  return readFileSync(join(stage.stateDir, 'logs', `${instance}.log`), 'utf8');
}

/** Just enough of the API to set up a scenario as a client would. */
export function conduitClient(apiUrl: string) {
  async function call<T>(method: string, path: string, token: string | null, body?: unknown): Promise<T> {
    const response = await fetch(`${apiUrl}${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(token === null ? {} : { authorization: `Token ${token}` }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    expect(response.status, `${method} ${path}`).toBeLessThan(300);
    return (await response.json()) as T;
  }
  return {
    call,
    async register(): Promise<{ username: string; token: string }> {
      const { user } = await call<{ user: { username: string; token: string } }>('POST', '/users', null, {
        user: buildUser(),
      });
      return user;
    },
    async follow(token: string, username: string): Promise<void> {
      await call('POST', `/profiles/${encodeURIComponent(username)}/follow`, token);
    },
    async publish(token: string): Promise<{ slug: string; title: string }> {
      const { article } = await call<{ article: { slug: string; title: string } }>(
        'POST',
        '/articles',
        token,
        {
          article: buildArticle(),
        },
      );
      return article;
    },
  };
}
