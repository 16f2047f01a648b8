/**
 * The session store cannot answer (Redis down, timed out, or reconnecting). The API answers 503 rather than
 * treating the token as invalid: a 401 would log every user out for the length of an outage.
 */
export class SessionStoreUnavailableError extends Error {
  constructor(options?: ErrorOptions) {
    super('The session store is unavailable.', options);
    this.name = 'SessionStoreUnavailableError';
  }
}
