import { loadPlan, type StageInput } from '@scaling/stack';
import { notificationsDatabase } from '../event-audit.ts';

/**
 * Each Postgres server of a running stage that holds Conduit's data (primary, replica, global, shard) with its CPU
 * quota, null when it has none; the notifications service's own database is not on the path of a write.
 */
export function databaseQuotas(stage: StageInput): Record<string, number | null> {
  return Object.fromEntries(
    loadPlan(stage)
      .services.filter(
        (service) =>
          (service.kind === 'postgres' || service.kind === 'postgres-replica') &&
          service.name !== notificationsDatabase,
      )
      .map((service) => [service.name, service.limits?.cpus ?? null]),
  );
}

/** The quota every database server shares, or a sentence saying which differ: a comparison needs one size. */
export function commonQuota(quotas: Record<string, number | null>): number | null | string {
  const values = [...new Set(Object.values(quotas))];
  if (values.length === 1) return values[0] as number | null;
  return `the database servers have different CPU quotas (${Object.entries(quotas)
    .map(([name, cpus]) => `${name}: ${cpus ?? 'none'}`)
    .join(', ')})`;
}
