/** The idempotency store cannot answer: running the request anyway could create a duplicate, so it must not run. */
export class IdempotencyStoreUnavailableError extends Error {
  constructor(options?: ErrorOptions) {
    super('The idempotency store is unavailable.', options);
    this.name = 'IdempotencyStoreUnavailableError';
  }
}
