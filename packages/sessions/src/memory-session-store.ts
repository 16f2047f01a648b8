import type { SessionStore } from './session-store.ts';
import { generateSessionToken } from './token.ts';

/**
 * Sessions held in this process's memory: stage 1's deliberate design. They vanish on restart and are
 * invisible to a second replica, which is exactly the limit stage 3 demonstrates behind a load balancer.
 */
export function createMemorySessionStore(): SessionStore {
  const userIdByToken = new Map<string, number>();
  return {
    async create(userId) {
      const token = generateSessionToken();
      userIdByToken.set(token, userId);
      return token;
    },
    async resolve(token) {
      return userIdByToken.get(token) ?? null;
    },
    async revoke(token) {
      userIdByToken.delete(token);
    },
  };
}
