import { queryRows } from './database.ts';
import type { DatabaseServer } from './stage-services.ts';

/** What an app-role statement was for: serving requests, or the background work any stage does regardless. */
export type StatementPurpose = 'requests' | 'replication bookkeeping' | 'job queue';

export interface StatementCount {
  query: string;
  calls: number;
  purpose: StatementPurpose;
}

export interface ServerStatements {
  server: string;
  role: DatabaseServer['role'];
  /** Every statement the app's role ran, by purpose. */
  byPurpose: Record<StatementPurpose, number>;
  /** Statements by other roles (the exporter's, the bench's own): monitoring, not the app. */
  otherRoles: number;
  /** Every statement of the app's role, most calls first. */
  statements: StatementCount[];
  /** Why the server could not be read (e.g. pg_stat_statements missing); the counts are then zero. */
  unavailable?: string;
}

/** The LSN polls that read-your-writes and the lag bound cost, and the worker's polling of its queue. */
export function statementPurpose(query: string): StatementPurpose {
  if (
    /pg_(last_wal_replay|current_wal|last_wal_receive)_lsn|pg_last_xact_replay_timestamp|pg_is_in_recovery/i.test(
      query,
    )
  )
    return 'replication bookkeeping';
  if (/\bjobs\b/i.test(query)) return 'job queue';
  return 'requests';
}

/** pg_stat_statements counts from zero again on every server, so the next read covers one run only. */
export async function resetStatements(servers: DatabaseServer[]): Promise<void> {
  await Promise.all(
    servers.map((server) =>
      queryRows(server.url, 'SELECT pg_stat_statements_reset()').catch((error: Error) => {
        throw new Error(
          `Resetting pg_stat_statements on ${server.name} failed: ${error.message}. The server needs ` +
            "shared_preload_libraries=pg_stat_statements and the migrations' CREATE EXTENSION pg_stat_statements.",
        );
      }),
    ),
  );
}

interface StatementRow {
  query: string;
  calls: number;
  role: string;
}

/** The statements each server ran since the reset, the app's role (`appRole`) apart from the others. */
export async function readStatements(
  servers: DatabaseServer[],
  appRole: string,
): Promise<ServerStatements[]> {
  return Promise.all(
    servers.map(async (server): Promise<ServerStatements> => {
      const counts: ServerStatements = {
        server: server.name,
        role: server.role,
        byPurpose: { requests: 0, 'replication bookkeeping': 0, 'job queue': 0 },
        otherRoles: 0,
        statements: [],
      };
      let rows: StatementRow[];
      try {
        rows = await queryRows<StatementRow>(
          server.url,
          `SELECT s.query, s.calls::float8 AS calls, r.rolname AS role
             FROM pg_stat_statements s JOIN pg_roles r ON r.oid = s.userid
            WHERE s.calls > 0 ORDER BY s.calls DESC`,
        );
      } catch (error) {
        return { ...counts, unavailable: `${server.name}: ${(error as Error).message}` };
      }
      for (const row of rows) {
        if (row.role !== appRole) {
          counts.otherRoles += row.calls;
          continue;
        }
        const purpose = statementPurpose(row.query);
        counts.byPurpose[purpose] += row.calls;
        counts.statements.push({ query: oneLine(row.query), calls: row.calls, purpose });
      }
      return counts;
    }),
  );
}

/** All the app's statements on one server, whatever they were for. */
export function appStatements(server: ServerStatements): number {
  return Object.values(server.byPurpose).reduce((sum, calls) => sum + calls, 0);
}

function oneLine(query: string): string {
  const flat = query.replace(/\s+/g, ' ').trim();
  return flat.length > 160 ? `${flat.slice(0, 157)}...` : flat;
}
