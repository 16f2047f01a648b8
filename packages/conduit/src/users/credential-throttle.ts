import type { RateLimit, RateLimiter } from '@scaling/rate-limit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { normalizeEmail } from '../domain/normalize.ts';

export interface CredentialLimit {
  limit: number;
  windowSeconds: number;
}

/** How many attempts at a password check are allowed: per client address and per account (the e-mail). */
export interface CredentialLimits {
  perAddress: CredentialLimit;
  perAccount: CredentialLimit;
}

export interface CredentialThrottle extends CredentialLimits {
  limiter: RateLimiter;
}

/**
 * - Per address, 30 a minute (a burst of 30, then one every 2 s): a classroom or an office behind one NAT can all
 *   log in at once, while one attacking address gets 0.5 guesses a second instead of hundreds, so it can make the
 *   app spend at most half a scrypt a second.
 * - Per account, 10 in 15 minutes (then one every 90 s): ten typos before a user must wait, and at most about
 *   960 guesses a day at one account however many addresses the attacker has. NIST SP 800-63B asks for a limit on
 *   failed attempts per account; a rate rather than a lockout means an attack can delay the owner's own login by
 *   90 s at most, not lock them out.
 * Both count every attempt, successful or not: a check before scrypt cannot know yet whether it will fail.
 */
export const defaultCredentialLimits: CredentialLimits = {
  perAddress: { limit: 30, windowSeconds: 60 },
  perAccount: { limit: 10, windowSeconds: 15 * 60 },
};

export type CredentialAction = 'login' | 'registration';

interface Check {
  rule: RateLimit;
  subject: (request: FastifyRequest) => string;
  /** Completes "<action> has been tried too often ...". */
  scope: string;
}

const emailOf = (request: FastifyRequest) =>
  normalizeEmail((request.body as { user: { email: string } }).user.email);

/**
 * A route-level preHandler for login and registration: runs after validation and before the handler, so a refused
 * attempt never reaches scrypt. The address is checked first: an address over its limit spends nothing of the
 * account's, so one attacker cannot lock a user out from a single address any faster than it could guess.
 * The 429 carries Retry-After and the RealWorld error shape.
 */
export function throttleCredentials(throttle: CredentialThrottle, action: CredentialAction) {
  const checks: Check[] = [
    {
      rule: { name: `${action}:address`, ...throttle.perAddress },
      subject: (request) => request.ip,
      scope: 'from this address',
    },
    {
      rule: { name: `${action}:account`, ...throttle.perAccount },
      subject: emailOf,
      scope: 'for this e-mail address',
    },
  ];
  return async (request: FastifyRequest, reply: FastifyReply) => {
    for (const { rule, subject, scope } of checks) {
      const decision = await throttle.limiter.take(rule, subject(request));
      if (decision.allowed) continue;
      const seconds = decision.retryAfterSeconds;
      return reply
        .code(429)
        .header('retry-after', String(seconds))
        .send({
          errors: {
            [action]: [
              `has been tried too often ${scope}; wait ${seconds} second${seconds === 1 ? '' : 's'}, then try again`,
            ],
          },
        });
    }
  };
}
