/** Server replies that mean "not now" rather than "wrong command": the request may succeed on a retry. */
const transientReply = /^(LOADING|BUSY|MASTERDOWN|READONLY|OOM|TRYAGAIN|CLUSTERDOWN)\b/;

/**
 * True when a failed Redis call says Redis cannot be used right now: refused or lost connection, no connection
 * yet (the offline queue is off), a command timeout, or a transient server state. A reply error to a wrong
 * command (WRONGTYPE, a syntax error) is a bug in the caller, not an outage, and stays false.
 */
export function isRedisUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name !== 'ReplyError') return true;
  return transientReply.test(error.message);
}

/** Runs one Redis call and turns an outage into the caller's own typed error, keeping the cause. */
export async function orUnavailable<T>(call: Promise<T>, unavailable: (cause: Error) => Error): Promise<T> {
  try {
    return await call;
  } catch (error) {
    if (isRedisUnavailable(error)) throw unavailable(error as Error);
    throw error;
  }
}
