import type pg from 'pg';

/**
 * Installs pg_stat_statements when the server ships it and the migrations run as a superuser (it is not a trusted
 * extension), so statement counts can be compared between stages; returns whether it is installed. Its view only
 * answers on a server started with `shared_preload_libraries=pg_stat_statements`, which the compose files set.
 */
export async function ensureStatementStatistics(client: pg.ClientBase): Promise<boolean> {
  const { rows } = await client.query<{ available: boolean; superuser: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'pg_stat_statements') AS available,
            (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS superuser`,
  );
  const { available, superuser } = rows[0] as { available: boolean; superuser: boolean };
  if (!available || !superuser) return false;
  await client.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
  return true;
}
