export { createMemorySessionStore } from './memory-session-store.ts';
export type { SessionStore } from './session-store.ts';
export { generateSessionToken } from './token.ts';
