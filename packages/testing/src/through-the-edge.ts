import { expect } from 'vitest';
import { buildArticle } from './factories.ts';

/** Where one answer came from: the edge's verdict, the app's cache verdict and the app replica that made it. */
export interface Answer<T = unknown> {
  status: number;
  /** Varnish: HIT, MISS, PASS (never shared), STALE or SYNTH (the edge's own answer). */
  edge: string | null;
  /** The app's cache-aside: hit, miss or bypass; null when the request read no cached key. */
  appCache: string | null;
  servedBy: string | null;
  cacheControl: string | null;
  etag: string | null;
  body: T;
}

export const asUser = (token: string): Record<string, string> => ({ authorization: `Token ${token}` });

/** One request through the edge, every bound timed out. */
export async function ask<T = unknown>(
  apiUrl: string,
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: unknown } = {},
): Promise<Answer<T>> {
  const response = await fetch(`${apiUrl}${path}`, {
    method: init.method ?? 'GET',
    headers: {
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...init.headers,
    },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    signal: AbortSignal.timeout(20_000),
  });
  const text = await response.text();
  return {
    status: response.status,
    edge: response.headers.get('x-edge-cache'),
    appCache: response.headers.get('x-cache'),
    servedBy: response.headers.get('x-served-by'),
    cacheControl: response.headers.get('cache-control'),
    etag: response.headers.get('etag'),
    body: (text && response.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text) as T,
  };
}

export interface PublishedArticle {
  slug: string;
  body: string;
  author: { username: string };
}

/** Publishes a new article as the token's user and returns it as the API answered. */
export async function publish(apiUrl: string, token: string): Promise<PublishedArticle> {
  const created = await ask<{ article: PublishedArticle }>(apiUrl, '/articles', {
    method: 'POST',
    headers: asUser(token),
    body: { article: buildArticle() },
  });
  expect(created.status).toBe(201);
  return created.body.article;
}

/**
 * Runs `clients` loops of `request` until `during` settles, and returns every status they got (0 for a request
 * that failed without an answer): what a failure or a change `during` cost the clients.
 */
export async function underLoad(
  clients: number,
  request: () => Promise<number>,
  during: () => Promise<void>,
): Promise<number[]> {
  let stop = false;
  const statuses: number[] = [];
  const loops = Array.from({ length: clients }, async () => {
    while (!stop) statuses.push(await request().catch(() => 0));
  });
  try {
    await during();
  } finally {
    stop = true;
    await Promise.all(loops);
  }
  return statuses;
}
