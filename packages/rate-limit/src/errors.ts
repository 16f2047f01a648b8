/**
 * The rate limiter's store cannot answer (Redis down or timed out). The attempt is refused with a 503 rather
 * than let through: without a count, a credential-stuffing run would reach the password check unthrottled.
 */
export class RateLimiterUnavailableError extends Error {
  constructor(options?: ErrorOptions) {
    super('The rate limiter is unavailable.', options);
    this.name = 'RateLimiterUnavailableError';
  }
}
