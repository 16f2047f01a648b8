import { credentialThrottleEnv } from './credential-throttle-env.ts';
import { corsEnv, databaseUrlEnv, listenEnv, logLevelEnv, metricsEnv } from './env-config.ts';

/**
 * What every stage's API process reads, whatever its topology: where it listens (the API and its metrics), its log
 * level, the origins that may call it, the sign-in throttle and its database. A stage's own schema adds only what its
 * idea brings.
 */
export const apiEnv = {
  ...listenEnv,
  ...metricsEnv,
  ...logLevelEnv,
  ...corsEnv,
  ...credentialThrottleEnv,
  ...databaseUrlEnv,
};
