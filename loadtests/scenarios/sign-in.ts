import type { ClosedScenario } from './types.ts';

/**
 * Logins only: each one checks a password against its scrypt hash (about 16 MiB of memory-hard work), so the cost
 * is CPU in the app, not in the database. It shows what adding app replicas buys when the app is what is busy.
 */
export const signIn: ClosedScenario = {
  name: 'sign-in',
  description: 'logins only, closed model: each verifies a scrypt password hash, CPU work in the app',
  model: 'closed',
  connections: 32,
  durationSeconds: 30,
  requests: [
    {
      name: 'login',
      weight: 1,
      method: 'POST',
      path: '/api/users/login',
      auth: 'none',
      body: { user: { email: '{email}', password: '{password}' } },
    },
  ],
  // Password hashing is slow on purpose: the p95 is bounded by the CPU the app has.
  thresholds: { p95Ms: 2000, maxErrorRate: 0.01 },
};
