/** Why a ring cannot be built or asked; `code` is stable, the message says what to do. */
export type RingErrorCode =
  | 'RING_EMPTY'
  | 'RING_NODE_INVALID'
  | 'RING_NODE_DUPLICATE'
  | 'RING_NODE_UNKNOWN'
  | 'RING_VIRTUAL_NODES_INVALID'
  | 'RING_WEIGHT_INVALID';

export class RingError extends Error {
  readonly code: RingErrorCode;

  constructor(code: RingErrorCode, message: string) {
    super(message);
    this.name = 'RingError';
    this.code = code;
  }
}
