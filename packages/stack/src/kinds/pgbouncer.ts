import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { commandArgs } from '../command.ts';
import type { ComposeService } from '../compose.ts';
import { clearTextUser, nativePgbouncerIni } from '../pgbouncer-ini.ts';
import { asUnprivileged } from '../privileges.ts';
import type { KindPlan, PlanContext, ReadinessProbe, ServiceKind } from '../types.ts';
import { hostPathOf } from '../volumes.ts';

const pgbouncerBinary = process.env.PGBOUNCER_BIN ?? '/usr/sbin/pgbouncer';
/** Where edoburu/pgbouncer (and most PgBouncer images) read their configuration. */
const defaultContainerIni = '/etc/pgbouncer/pgbouncer.ini';

/** Readiness is a real query through the pooler, as the first user in clear text in its auth file. */
function probeFor(port: number, database: string | null, authFile: string | null): ReadinessProbe {
  const credentials = authFile && existsSync(authFile) ? clearTextUser(readFileSync(authFile, 'utf8')) : null;
  if (!database || !credentials) return { type: 'tcp', port };
  const user = `${encodeURIComponent(credentials.user)}:${encodeURIComponent(credentials.password)}`;
  return { type: 'query', url: `postgres://${user}@127.0.0.1:${port}/${encodeURIComponent(database)}` };
}

/**
 * PgBouncer images (edoburu/pgbouncer): the mounted pgbouncer.ini, rewritten for 127.0.0.1 (see pgbouncer-ini.ts),
 * run by Debian's pgbouncer as the unprivileged account, since PgBouncer refuses to run as root.
 */
export const pgbouncerKind: ServiceKind = {
  name: 'pgbouncer',
  matches: (service: ComposeService) => /(^|\/)pgbouncer(:|@|$)/.test(service.image ?? ''),
  plan(context: PlanContext): KindPlan {
    const containerIni = commandArgs(context.service.command).find((arg) => arg.endsWith('.ini'));
    const iniPath = containerIni ?? defaultContainerIni;
    const source = hostPathOf(iniPath, context.mounts);
    if (!source || !existsSync(source)) {
      throw new Error(
        `Service "${context.name}" needs its configuration mounted: add volumes: ["./config/pgbouncer.ini:${iniPath}:ro"] (the file must exist).`,
      );
    }
    const directory = join(context.stateDir, 'services', context.instance);
    const native = nativePgbouncerIni(readFileSync(source, 'utf8'), {
      service: context.name,
      ports: context.ports,
      published: context.published,
      mounts: context.mounts,
      directory,
    });
    const header = `; Written by the native stack runner from ${source}: addresses, ports and paths mapped to this host.\n`;
    return {
      argv: asUnprivileged([pgbouncerBinary, join(directory, 'pgbouncer.ini')]),
      env: {},
      probe: probeFor(native.port, native.database, native.authFile),
      // PgBouncer's safe shutdown: running transactions finish, then it exits.
      stopSignal: 'SIGINT',
      setup: { directory, files: { 'pgbouncer.ini': header + native.ini }, unprivileged: true },
      // Both re-read their configuration on SIGHUP without dropping connections.
      reloadSignal: 'SIGHUP',
      requires: {
        path: pgbouncerBinary,
        install: "run 'make bootstrap' (or 'apt-get install pgbouncer')",
      },
    };
  },
};
