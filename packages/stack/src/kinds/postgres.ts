import { dirname, join } from 'node:path';
import { commandArgs } from '../command.ts';
import type { ComposeService } from '../compose.ts';
import { postgresCommand } from '../postgres.ts';
import type { KindPlan, PlanContext, ServiceKind } from '../types.ts';

const containerDataDir = '/var/lib/postgresql/data';

/** A named volume mounted on the image's data directory becomes `<state>/volumes/<name>`; otherwise the service gets its own. */
function dataDir(context: PlanContext): string {
  const volume = context.mounts.find((mount) => mount.named && mount.target === containerDataDir);
  return join(context.stateDir, 'volumes', volume?.source ?? `${context.name}-data`);
}

/** The official image: POSTGRES_USER/PASSWORD/DB make the cluster, `command: postgres -c ...` sets the server. */
export const postgresKind: ServiceKind = {
  name: 'postgres',
  matches: (service: ComposeService) =>
    /^(docker\.io\/)?(library\/)?postgres(:|@|$)/.test(service.image ?? ''),
  plan(context: PlanContext): KindPlan {
    const published = context.ports.find((port) => port.container === 5432);
    if (!published) {
      throw new Error(
        `Service "${context.name}" needs a native port for Postgres' 5432 (expose: ["5432"] and x-native-port: 15432) so native processes can reach it.`,
      );
    }
    const user = context.env.POSTGRES_USER ?? 'postgres';
    const cluster = {
      dataDir: dataDir(context),
      port: published.host,
      user,
      password: context.env.POSTGRES_PASSWORD ?? '',
      database: context.env.POSTGRES_DB ?? user,
    };
    const [program, ...settings] = commandArgs(context.service.command);
    if (program !== undefined && program !== 'postgres') {
      throw new Error(
        `Service "${context.name}" runs "${program}"; the native runner only starts "postgres -c ..." here.`,
      );
    }
    return {
      argv: postgresCommand(cluster, settings),
      cwd: dirname(cluster.dataDir),
      env: {},
      probe: { type: 'postgres', cluster },
      // SIGINT is Postgres' fast shutdown: open sessions end, nothing committed is lost.
      stopSignal: 'SIGINT',
      postgres: cluster,
    };
  },
};
