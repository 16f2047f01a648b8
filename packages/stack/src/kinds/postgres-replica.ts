/**
 * How to declare a streaming replica in compose (stage 4's postgres-replica-1):
 *
 *   postgres-replica-1:
 *     image: postgres:15
 *     x-replica-of: postgres                      # the primary's service name
 *     entrypoint: ["bash", "/usr/local/bin/replica-entrypoint.sh"]   # Docker only: pg_basebackup -R, then postgres
 *     command: [postgres, -c, hba_file=/etc/postgresql/pg_hba.conf, ...]   # the primary's settings (max_connections...)
 *     environment:
 *       PRIMARY_HOST: postgres                    # must name the x-replica-of service
 *       PRIMARY_PORT: "5432"
 *       REPLICATION_USER: conduit_replication     # a role with REPLICATION (the migrations create it)
 *       REPLICATION_PASSWORD: ${REPLICATION_DATABASE_PASSWORD:-local-demo-only-...}
 *       REPLICATION_SLOT: replica_1               # optional: the primary keeps the WAL this replica still needs
 *     volumes:
 *       - replica1data:/var/lib/postgresql/data
 *       - ./config/postgres/pg_hba.conf:/etc/postgresql/pg_hba.conf:ro
 *       - ../../docker/postgres/replica-entrypoint.sh:/usr/local/bin/replica-entrypoint.sh:ro
 *     expose: ["5432"]
 *     x-native-port: 15433
 *     depends_on: { migrate: { condition: service_completed_successfully } }   # the role exists
 *
 * Natively the entrypoint is not run: the runner copies the primary itself (baseBackup, the same pg_basebackup) and
 * starts the same postgres command.
 */
import { dirname } from 'node:path';
import { commandArgs } from '../command.ts';
import type { ComposeService } from '../compose.ts';
import { postgresCommand } from '../postgres.ts';
import type { KindPlan, PlanContext, ServiceKind } from '../types.ts';
import { nativeSettings, postgresDataDir } from './postgres.ts';

const postgresImage = /^(docker\.io\/)?(library\/)?postgres(:|@|$)/;

/** A variable the image's replica entrypoint reads, required here too so both runs fail alike when it is missing. */
function required(context: PlanContext, name: string): string {
  const value = context.env[name];
  if (!value) {
    throw new Error(
      `Service "${context.name}" is a replica (x-replica-of) and needs ${name} in its environment, as its entrypoint does: set REPLICATION_USER, REPLICATION_PASSWORD, PRIMARY_HOST and PRIMARY_PORT.`,
    );
  }
  return value;
}

/** Where the primary listens natively: PRIMARY_HOST must name the x-replica-of service, PRIMARY_PORT its container port. */
function primaryPort(context: PlanContext, primary: string): number {
  const host = context.env.PRIMARY_HOST ?? primary;
  if (host !== primary) {
    throw new Error(
      `Service "${context.name}" replicates "${primary}" (x-replica-of) but its PRIMARY_HOST is "${host}": make them name the same service.`,
    );
  }
  const containerPort = Number(context.env.PRIMARY_PORT ?? 5432);
  const mapping = context.published.get(primary)?.find((port) => port.container === containerPort);
  if (!mapping) {
    throw new Error(
      `Service "${context.name}" replicates "${primary}:${containerPort}", which has no native port: "${primary}" must be a single Postgres with expose: ["${containerPort}"] and x-native-port.`,
    );
  }
  return mapping.host;
}

/**
 * A hot standby (`postgres:*` with `x-replica-of`): before its first start its data directory (the named volume on
 * /var/lib/postgresql/data) becomes a `pg_basebackup -R -X stream` copy of the primary, made through the primary's
 * native port as REPLICATION_USER; later starts find standby.signal there and stream from where they stopped. The
 * compose command's `-c` settings are passed on, as for the primary. Ready when it answers a query.
 */
export const postgresReplicaKind: ServiceKind = {
  name: 'postgres-replica',
  matches: (service: ComposeService) =>
    postgresImage.test(service.image ?? '') && service['x-replica-of'] !== undefined,
  plan(context: PlanContext): KindPlan {
    const primary = context.service['x-replica-of'] as string;
    const own = context.ports.find((port) => port.container === 5432);
    if (!own) {
      throw new Error(
        `Service "${context.name}" needs a native port for Postgres' 5432 (expose: ["5432"] and x-native-port: 15433) so native processes can reach it.`,
      );
    }
    const user = required(context, 'REPLICATION_USER');
    const password = required(context, 'REPLICATION_PASSWORD');
    const slot = context.env.REPLICATION_SLOT || undefined;
    if (slot !== undefined && !/^[a-z0-9_]{1,63}$/.test(slot)) {
      throw new Error(
        `Service "${context.name}" names the replication slot "${slot}": use lower-case letters, digits and "_" only.`,
      );
    }
    const [program, ...settings] = commandArgs(context.service.command);
    if (program !== undefined && program !== 'postgres') {
      throw new Error(
        `Service "${context.name}" runs "${program}"; the native runner only starts "postgres -c ..." here.`,
      );
    }
    // The copy carries the primary's roles: the replication role can log in to "postgres" to be probed.
    const cluster = {
      dataDir: postgresDataDir(context),
      port: own.host,
      user,
      password,
      database: 'postgres',
    };
    const probeUrl = `postgres://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${own.host}/postgres`;
    const native = nativeSettings(context, settings);
    return {
      argv: postgresCommand(cluster, native.settings),
      cwd: dirname(cluster.dataDir),
      env: {},
      probe: { type: 'query', url: probeUrl },
      stopSignal: 'SIGINT',
      ...(native.setup ? { setup: native.setup, reloadSignal: 'SIGHUP' as const } : {}),
      standby: {
        dataDir: cluster.dataDir,
        primary: {
          host: '127.0.0.1',
          port: primaryPort(context, primary),
          user,
          password,
          ...(slot ? { slot } : {}),
        },
      },
    };
  },
};
