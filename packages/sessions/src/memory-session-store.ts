import {
  defaultSessionAbsoluteTtlSeconds,
  defaultSessionIdleTtlSeconds,
  type SessionLifetime,
} from './session-lifetime.ts';
import type { SessionStore } from './session-store.ts';
import { generateSessionToken, hashSessionToken } from './token.ts';

export interface MemorySessionStoreOptions extends SessionLifetime {
  /** How many sessions the process keeps; past that, the oldest login is ended to make room. */
  maxSessions?: number;
  now?: () => number;
}

/** About 20 MB: far more live sessions than one single-process server has. */
export const defaultMaxMemorySessions = 100_000;

interface MemorySession {
  userId: number;
  createdAt: number;
  lastUsedAt: number;
}

/**
 * Sessions held in this process's memory: stage 1's deliberate design. They vanish on restart and are
 * invisible to a second replica, which is exactly the limit stage 3 demonstrates behind a load balancer.
 *
 * Bounded: past `maxSessions` the oldest login is ended. Losing it costs its user one login, and logins are
 * throttled per address and per account, so crowding out other users' sessions takes thousands of addresses;
 * without the bound, those logins would take the process's memory instead.
 */
export function createMemorySessionStore({
  idleTtlSeconds = defaultSessionIdleTtlSeconds,
  absoluteTtlSeconds = defaultSessionAbsoluteTtlSeconds,
  maxSessions = defaultMaxMemorySessions,
  now = Date.now,
}: MemorySessionStoreOptions = {}): SessionStore {
  // By token hash, in creation order: the first entry is the oldest login, the first to reach its absolute end.
  const sessions = new Map<string, MemorySession>();
  const isExpired = (session: MemorySession, at: number) =>
    at - session.lastUsedAt >= idleTtlSeconds * 1000 || at - session.createdAt >= absoluteTtlSeconds * 1000;

  /** Drops the sessions past their absolute lifetime (all at the front), then the oldest while over the bound. */
  const makeRoom = (at: number) => {
    for (const [hash, session] of sessions) {
      if (at - session.createdAt < absoluteTtlSeconds * 1000 && sessions.size < maxSessions) break;
      sessions.delete(hash);
    }
  };

  return {
    async create(userId) {
      const at = now();
      makeRoom(at);
      const token = generateSessionToken();
      sessions.set(hashSessionToken(token), { userId, createdAt: at, lastUsedAt: at });
      return { token };
    },
    async resolve(token) {
      const hash = hashSessionToken(token);
      const session = sessions.get(hash);
      if (session === undefined) return null;
      const at = now();
      if (isExpired(session, at)) {
        sessions.delete(hash);
        return null;
      }
      session.lastUsedAt = at;
      return session.userId;
    },
    async revoke(token) {
      sessions.delete(hashSessionToken(token));
    },
    async revokeOthers(userId, keepToken) {
      // A scan: password and e-mail changes are rare, and the map is bounded.
      const keep = hashSessionToken(keepToken);
      for (const [hash, session] of sessions) {
        if (session.userId === userId && hash !== keep) sessions.delete(hash);
      }
    },
  };
}
