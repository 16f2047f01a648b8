import { Counter, metricOnce, type Registry, scrapedGauge } from '@scaling/metrics';
import type { ReadReason, ReplicaStatus } from './replica-set.ts';

/** The replica sets each registry reports, read at scrape time from their last poll. */
const setsByRegistry = new WeakMap<Registry, Set<() => ReplicaStatus[]>>();

function statusGauge(
  registry: Registry,
  name: string,
  help: string,
  read: (status: ReplicaStatus) => number | null,
): void {
  scrapedGauge(registry, {
    name,
    help,
    label: 'replica',
    read: () =>
      [...(setsByRegistry.get(registry) ?? [])]
        .flatMap((statuses) => statuses())
        .flatMap((status) => {
          const value = read(status);
          return value === null ? [] : [[status.name, value] as const];
        }),
  });
}

export type CountRead = (target: string, reason: ReadReason) => void;

/**
 * Lag and rotation gauges by replica, and every read counted by where it went and why. Returns the read
 * counter's increment and a function that stops reporting this set (its pools are gone after close).
 */
export function measureReplicaSet(
  registry: Registry,
  statuses: () => ReplicaStatus[],
): { countRead: CountRead; stop: () => void } {
  statusGauge(
    registry,
    'db_replica_lag_seconds',
    'How long ago the primary first had WAL the replica has not replayed (0 when caught up), at the last poll.',
    (status) => status.lagSeconds,
  );
  statusGauge(
    registry,
    'db_replica_lag_bytes',
    'WAL bytes the primary had written and the replica had not replayed, at the last poll.',
    (status) => status.lagBytes,
  );
  statusGauge(
    registry,
    'db_replica_in_rotation',
    '1 while the replica takes reads; 0 while it is down, lagging past the bound, or not polled yet.',
    (status) => (status.inRotation ? 1 : 0),
  );
  const reads = metricOnce(
    registry,
    'db_reads_total',
    () =>
      new Counter({
        name: 'db_reads_total',
        help: 'Reads by where they ran (primary or a replica) and why: fresh, behind, out-of-rotation, no-replica, fallback.',
        labelNames: ['target', 'reason'],
        registers: [registry],
      }),
  );
  const sets = setsByRegistry.get(registry) ?? new Set();
  setsByRegistry.set(registry, sets.add(statuses));
  return {
    countRead: (target, reason) => reads.inc({ target, reason }),
    stop: () => sets.delete(statuses),
  };
}
