import { CodedError } from '@scaling/errors';

export type ReshardingErrorCode =
  | 'RESHARD_SHARD_UNKNOWN'
  | 'RESHARD_SHARD_ACTIVE'
  | 'RESHARD_RING_EMPTY'
  | 'RESHARD_MOVE_FAILED'
  | 'RESHARD_MIGRATE_FAILED'
  | 'RESHARD_ROWS_MISMATCH'
  | 'RESHARD_STAGE_DOWN';

/** A resharding step that could not be done; `code` is stable, the message says what to do. */
export class ReshardingError extends CodedError<ReshardingErrorCode> {}
