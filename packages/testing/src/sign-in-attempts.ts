import { spawnSync } from 'node:child_process';
import { loadPlan } from '@scaling/stack';

/** Deletes the sign-in throttle's counters (`rate-limit:*`, packages/rate-limit) in one step on the server. */
const forgetScript =
  "local keys = redis.call('KEYS', 'rate-limit:*') for _, key in ipairs(keys) do redis.call('DEL', key) end return #keys";

/**
 * Forgets the login and registration attempts the stage's Redis counted (the app's REDIS_URL), so a test file that
 * reuses a stage another file booted starts with the whole per-address allowance, as after a boot of its own.
 */
export function forgetSignInAttempts(stage: number): void {
  const app = loadPlan(stage).services.find((service) => service.name === 'app');
  const url = app?.instances[0]?.env.REDIS_URL;
  if (!url)
    throw new Error(`Stage ${stage}'s app has no REDIS_URL: its compose file lost the sessions' Redis.`);
  // Not `-u url`: redis-cli 7.0 sends the empty user of `redis://:password@...` and the server refuses it.
  const { hostname, port, password } = new URL(url);
  const auth = password ? ['--no-auth-warning', '-a', decodeURIComponent(password)] : [];
  const result = spawnSync(
    'redis-cli',
    ['-h', hostname, '-p', port || '6379', ...auth, 'EVAL', forgetScript, '0'],
    { encoding: 'utf8', timeout: 10_000 },
  );
  if (result.status !== 0 || /^(ERR|NOAUTH|WRONGPASS)/m.test(result.stdout)) {
    throw new Error(
      `Could not forget the sign-in attempts in stage ${stage}'s Redis (${result.error?.message ?? (result.stderr || result.stdout).trim()}): check that it runs, and that redis-cli is installed (make bootstrap).`,
    );
  }
}
