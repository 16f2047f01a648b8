import { setTimeout as sleep } from 'node:timers/promises';
import type { Fixtures } from '../mix.ts';
import { fetchWaitingOutThrottle } from '../throttled-fetch.ts';

/** A signed-in user's current refresh token: each refresh rotates it, and the old one must never be sent again. */
export interface RefreshChain {
  email: string;
  refreshToken: string;
}

export interface RefreshAttempt {
  /** On the load's clock, ms. */
  atMs: number;
  /** POST /api/users/refresh; undefined when no answer came. */
  refreshStatus: number | undefined;
  refreshMs: number;
  /** GET /api/user with the new access token; undefined when the refresh gave none. */
  readStatus: number | undefined;
}

interface UserBody {
  user?: { token?: string; refreshToken?: string };
}

const requestTimeoutMs = 5_000;

/** Logs in one seeded user (the least followed: not one of the load's) and keeps the refresh token login issues. */
export async function signInForRefresh(baseUrl: string, fixtures: Fixtures): Promise<RefreshChain> {
  const email = fixtures.emails.at(-1) as string;
  const response = await fetchWaitingOutThrottle(
    new URL('/api/users/login', baseUrl),
    {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user: { email, password: fixtures.password } }),
    },
    { maxWaitSeconds: 90, attemptTimeoutMs: requestTimeoutMs },
  );
  const body = (await response.json()) as UserBody;
  const refreshToken = body.user?.refreshToken;
  if (response.status !== 200 || !refreshToken) {
    throw new Error(
      `Logging in ${email} gave HTTP ${response.status} without a refresh token: this drill needs stage 5 with JWT ` +
        'access tokens (not its `sessions` variant), whose login answers user.refreshToken.',
    );
  }
  return { email, refreshToken };
}

/**
 * Every `intervalMs` until `signal` aborts: rotates the chain's refresh token (POST /api/users/refresh), then reads
 * GET /api/user with the new access token. The chain keeps the newest refresh token even when a read fails.
 */
export async function refreshWhile(
  baseUrl: string,
  chain: RefreshChain,
  signal: AbortSignal,
  intervalMs: number,
  now: () => number,
): Promise<RefreshAttempt[]> {
  const attempts: RefreshAttempt[] = [];
  while (!signal.aborted) {
    const atMs = Math.round(now());
    const started = performance.now();
    const refresh = await send(new URL('/api/users/refresh', baseUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user: { refreshToken: chain.refreshToken } }),
    });
    const refreshMs = performance.now() - started;
    const rotated = refresh.body?.user;
    if (rotated?.refreshToken) chain.refreshToken = rotated.refreshToken;
    const read = rotated?.token
      ? await send(new URL('/api/user', baseUrl), { headers: { authorization: `Token ${rotated.token}` } })
      : undefined;
    attempts.push({ atMs, refreshStatus: refresh.status, refreshMs, readStatus: read?.status });
    await sleep(intervalMs, undefined, { signal }).catch(() => undefined);
  }
  return attempts;
}

async function send(url: URL, init: RequestInit): Promise<{ status: number | undefined; body?: UserBody }> {
  try {
    const response = await fetch(url, { ...init, signal: AbortSignal.timeout(requestTimeoutMs) });
    const text = await response.text();
    return { status: response.status, body: response.status === 200 ? (JSON.parse(text) as UserBody) : {} };
  } catch {
    return { status: undefined };
  }
}
