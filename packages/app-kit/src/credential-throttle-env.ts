import { type CredentialLimits, defaultCredentialLimits } from '@scaling/conduit';
import { wholeNumber } from './env-config.ts';

const { perAddress, perAccount } = defaultCredentialLimits;

/**
 * Login and registration attempts allowed per client address and per account (the e-mail), each a burst of
 * that many per window; the defaults and why: packages/conduit/src/users/credential-throttle.ts. A load test that
 * signs in from one address on purpose raises the per-address pair.
 */
export const credentialThrottleEnv = {
  AUTH_ATTEMPTS_PER_ADDRESS: wholeNumber(1, perAddress.limit),
  AUTH_ATTEMPTS_PER_ADDRESS_WINDOW_SECONDS: wholeNumber(1, perAddress.windowSeconds),
  AUTH_ATTEMPTS_PER_ACCOUNT: wholeNumber(1, perAccount.limit),
  AUTH_ATTEMPTS_PER_ACCOUNT_WINDOW_SECONDS: wholeNumber(1, perAccount.windowSeconds),
};

export function credentialLimits(config: {
  AUTH_ATTEMPTS_PER_ADDRESS: number;
  AUTH_ATTEMPTS_PER_ADDRESS_WINDOW_SECONDS: number;
  AUTH_ATTEMPTS_PER_ACCOUNT: number;
  AUTH_ATTEMPTS_PER_ACCOUNT_WINDOW_SECONDS: number;
}): CredentialLimits {
  return {
    perAddress: {
      limit: config.AUTH_ATTEMPTS_PER_ADDRESS,
      windowSeconds: config.AUTH_ATTEMPTS_PER_ADDRESS_WINDOW_SECONDS,
    },
    perAccount: {
      limit: config.AUTH_ATTEMPTS_PER_ACCOUNT,
      windowSeconds: config.AUTH_ATTEMPTS_PER_ACCOUNT_WINDOW_SECONDS,
    },
  };
}
