import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { commandArgs } from '../command.ts';
import type { ComposeService } from '../compose.ts';
import { postgresCommand } from '../postgres.ts';
import type { InstanceSetup, KindPlan, PlanContext, ServiceKind } from '../types.ts';
import { hostPathOf, mountCopyPath } from '../volumes.ts';

const containerDataDir = '/var/lib/postgresql/data';

/** A named volume mounted on the image's data directory becomes `<state>/volumes/<name>`; otherwise the service gets its own. */
export function postgresDataDir(context: PlanContext): string {
  const volume = context.mounts.find((mount) => mount.named && mount.target === containerDataDir);
  return join(context.stateDir, 'volumes', volume?.source ?? `${context.name}-data`);
}

/**
 * The compose command's settings for a native run: a setting naming a bind-mounted file (`-c
 * hba_file=/etc/postgresql/pg_hba.conf`) names its copy in the instance's folder instead, which the server's account
 * owns, since it may not reach the checkout; the copies are the instance's set-up, rewritten before every start.
 */
export function nativeSettings(
  context: PlanContext,
  settings: string[],
): { settings: string[]; setup?: InstanceSetup } {
  const directory = join(context.stateDir, 'services', context.instance);
  const files: Record<string, string> = {};
  const mapped = settings.map((setting) => {
    const [, name, path] = /^(.*=)(\/\S+)$/.exec(setting) ?? [];
    const source = path ? hostPathOf(path, context.mounts) : null;
    if (!name || !path || !source) return setting;
    if (!existsSync(source)) {
      throw new Error(
        `Service "${context.name}" reads ${path} (${setting}), mounted from ${source}, which does not exist: create it or remove the setting.`,
      );
    }
    files[join('mounts', path)] = readFileSync(source, 'utf8');
    return name + mountCopyPath(path, directory);
  });
  if (Object.keys(files).length === 0) return { settings: mapped };
  return { settings: mapped, setup: { directory, files, unprivileged: true } };
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
      dataDir: postgresDataDir(context),
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
    const native = nativeSettings(context, settings);
    return {
      argv: postgresCommand(cluster, native.settings),
      cwd: dirname(cluster.dataDir),
      env: {},
      probe: { type: 'postgres', cluster },
      // SIGINT is Postgres' fast shutdown: open sessions end, nothing committed is lost.
      stopSignal: 'SIGINT',
      postgres: cluster,
      // A changed pg_hba.conf copy is read again without a restart.
      ...(native.setup ? { setup: native.setup, reloadSignal: 'SIGHUP' as const } : {}),
    };
  },
};
