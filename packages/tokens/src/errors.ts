/** Why the signing keys cannot be used; `code` is stable, the message says what to do. */
export type TokenKeyErrorCode =
  | 'TOKENS_ENCRYPTION_SECRET_TOO_SHORT'
  | 'TOKENS_KEY_UNSEAL_FAILED'
  | 'TOKENS_NO_SIGNING_KEY'
  | 'TOKENS_SIGNING_KEYS_TABLE_MISSING';

export class TokenKeyError extends Error {
  readonly code: TokenKeyErrorCode;

  constructor(code: TokenKeyErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'TokenKeyError';
    this.code = code;
  }
}
