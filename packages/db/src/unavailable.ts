/**
 * Socket errors of a connection that could not be made or was cut. pg reports a server that went away mid-query
 * as a plain Error with this message rather than with a code.
 */
const connectionErrorCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH']);
const connectionLostMessages = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  // The pool's query_timeout: no answer came in time, as from a server that hangs or a connection that died silently.
  'Query read timeout',
  'Client has encountered a connection error and is not queryable',
];

/**
 * True when an error means the database (or PgBouncer in front of it) cannot be reached right now, as during a
 * restart or a failover: SQLSTATE class 08 (connection exception, also what PgBouncer sends when it cannot log in
 * to the server), 57P01-57P03 (shutting down, crashed, not yet accepting connections), 57014 (statement_timeout
 * cancelled the statement) and the client's own timeouts. A caller can answer 503 and ask for a retry; any other
 * error is a bug or a bad query, not an outage.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (connectionErrorCodes.has(code) || code.startsWith('08') || /^57P0[123]$/.test(code)) return true;
    // query_canceled: statement_timeout stopped a statement the server could not finish in time.
    if (code === '57014') return true;
  }
  return connectionLostMessages.some((message) => error.message.startsWith(message));
}
