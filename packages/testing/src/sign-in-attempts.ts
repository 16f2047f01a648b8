import { spawnSync } from 'node:child_process';
import { loadPlan } from '@scaling/stack';

/** Deletes the sign-in throttle's counters (`rate-limit:*`, packages/rate-limit) in one step on the server. */
const forgetScript =
  "local keys = redis.call('KEYS', 'rate-limit:*') for _, key in ipairs(keys) do redis.call('DEL', key) end return #keys";

/** `redis-cli` connection arguments for a `redis://[:password@]host[:port][/db]` URL. */
function connectionArguments(redisUrl: string): string[] {
  // Not `-u url`: redis-cli 7.0 sends the empty user of `redis://:password@...` and the server refuses it.
  const { hostname, port, password, pathname } = new URL(redisUrl);
  const database = pathname.replace(/^\//, '');
  return [
    ...['-h', hostname, '-p', port || '6379'],
    ...(password ? ['--no-auth-warning', '-a', decodeURIComponent(password)] : []),
    ...(database ? ['-n', database] : []),
  ];
}

/** Deletes every rate-limit counter in the Redis at `redisUrl`, and nothing else; how many it deleted. */
export function forgetRateLimitCounters(redisUrl: string): number {
  const result = spawnSync('redis-cli', [...connectionArguments(redisUrl), 'EVAL', forgetScript, '0'], {
    encoding: 'utf8',
    timeout: 10_000,
  });
  const answer = result.stdout?.trim() ?? '';
  if (result.status !== 0 || !/^\d+$/.test(answer)) {
    throw new Error(
      `Could not delete the rate-limit counters in the Redis at ${new URL(redisUrl).host} (${result.error?.message ?? (result.stderr?.trim() || answer)}): check that it runs, and that redis-cli is installed (make bootstrap).`,
    );
  }
  return Number(answer);
}

/**
 * Forgets the login and registration attempts the stage's Redis counted (the app's REDIS_URL), so a test file that
 * reuses a stage another file booted starts with the whole per-address allowance, as after a boot of its own.
 */
export function forgetSignInAttempts(stage: number): void {
  const app = loadPlan(stage).services.find((service) => service.name === 'app');
  const url = app?.instances[0]?.env.REDIS_URL;
  if (!url)
    throw new Error(`Stage ${stage}'s app has no REDIS_URL: its compose file lost the sessions' Redis.`);
  forgetRateLimitCounters(url);
}
