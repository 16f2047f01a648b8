import { CodedError } from '@scaling/errors';

/** Why the signing keys cannot be used; `code` is stable, the message says what to do. */
export type TokenKeyErrorCode =
  | 'TOKENS_ENCRYPTION_SECRET_TOO_SHORT'
  | 'TOKENS_KEY_UNSEAL_FAILED'
  | 'TOKENS_NO_SIGNING_KEY'
  | 'TOKENS_SIGNING_KEYS_TABLE_MISSING';

export class TokenKeyError extends CodedError<TokenKeyErrorCode> {}
