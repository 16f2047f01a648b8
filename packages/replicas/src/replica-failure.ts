import { isDatabaseUnavailable } from '@scaling/db';

/**
 * What a failed read on a replica says about the replica: `down` (its connection was refused, cut or timed out:
 * leave the rotation), `conflict` (a hot standby cancelled the query because replay had to remove rows it was
 * reading, SQLSTATE 40001: the replica is fine, the read is not), or `query` (the SQL itself failed, and would on
 * the primary too). The first two are retried on the primary; a statement_timeout (57014) counts as a query error,
 * since the same statement would only run as long there.
 */
export function replicaFailure(error: unknown): 'down' | 'conflict' | 'query' {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (code === '40001') return 'conflict';
  if (code === '57014') return 'query';
  return isDatabaseUnavailable(error) ? 'down' : 'query';
}
