import { createHash } from 'node:crypto';
import { join, relative } from 'node:path';
import { commandArgs } from '../command.ts';
import type { ComposeService } from '../compose.ts';
import { readMountedConfig } from '../native-config.ts';
import { clearTextUser, nativePgbouncerIni } from '../pgbouncer-ini.ts';
import { asUnprivileged } from '../privileges.ts';
import type { KindPlan, PlanContext, ReadinessProbe, ServiceKind } from '../types.ts';
import { mountCopyPath, mountedFiles } from '../volumes.ts';

const pgbouncerBinary = process.env.PGBOUNCER_BIN ?? '/usr/sbin/pgbouncer';
/** Where edoburu/pgbouncer (and most PgBouncer images) read their configuration. */
const defaultContainerIni = '/etc/pgbouncer/pgbouncer.ini';

/**
 * Readiness is a real query through the pooler, as the first user the environment names, else as the first user in
 * clear text in its auth file.
 */
function probeFor(
  port: number,
  database: string | null,
  userlist: string | null,
  env: Record<string, string>,
): ReadinessProbe {
  const [first] = entrypointUsers(env);
  const credentials = first
    ? { user: first[0], password: first[1] }
    : userlist === null
      ? null
      : clearTextUser(userlist);
  if (!database || !credentials) return { type: 'tcp', port };
  const user = `${encodeURIComponent(credentials.user)}:${encodeURIComponent(credentials.password)}`;
  return { type: 'query', url: `postgres://${user}@127.0.0.1:${port}/${encodeURIComponent(database)}` };
}

/**
 * The users edoburu/pgbouncer's entrypoint writes to the auth file: one per URL of DATABASE_URLS (comma-separated),
 * else the one of DATABASE_URL, else DB_USER with DB_PASSWORD.
 */
function entrypointUsers(env: Record<string, string>): [string, string][] {
  const urls = (env.DATABASE_URLS ?? env.DATABASE_URL ?? '').split(',').map((url) => url.trim());
  const fromUrls = urls.filter(Boolean).flatMap((url): [string, string][] => {
    const { username, password } = new URL(url);
    return username && password ? [[decodeURIComponent(username), decodeURIComponent(password)]] : [];
  });
  if (fromUrls.length > 0) return fromUrls;
  return env.DB_USER && env.DB_PASSWORD ? [[env.DB_USER, env.DB_PASSWORD]] : [];
}

/**
 * The auth file as edoburu/pgbouncer's entrypoint leaves it: the mounted file, if any, plus a line per user of the
 * environment it reads (in clear for AUTH_TYPE plain or scram-sha-256, else as an md5 secret), so no password needs
 * to sit in a file of the repository.
 */
function entrypointUserlist(mounted: string | null, env: Record<string, string>): string {
  const inClear = env.AUTH_TYPE === 'plain' || env.AUTH_TYPE === 'scram-sha-256';
  const secretOf = (name: string, password: string) =>
    inClear ? password : `md5${createHash('md5').update(`${password}${name}`).digest('hex')}`;
  let text = mounted ?? '';
  for (const [name, password] of entrypointUsers(env)) {
    if (text.split('\n').some((line) => line.startsWith(`"${name}"`))) continue;
    text = `${text}${text === '' || text.endsWith('\n') ? '' : '\n'}"${name}" "${secretOf(name, password)}"\n`;
  }
  return text;
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
    const mounted = readMountedConfig(context, iniPath, './config/pgbouncer.ini');
    const { source } = mounted;
    const { directory } = mounted.context;
    const native = nativePgbouncerIni(mounted.text, mounted.context);
    const header = `; Written by the native stack runner from ${source}: addresses, ports and paths mapped to this host.\n`;
    const files: Record<string, string> = {
      ...mountedFiles(context.mounts),
      'pgbouncer.ini': header + native.ini,
    };
    let userlist: string | null = null;
    if (native.authFile) {
      const copy = relative(directory, mountCopyPath(native.authFile, directory));
      userlist = entrypointUserlist(files[copy] ?? null, context.env);
      files[copy] = userlist;
    }
    return {
      argv: asUnprivileged([pgbouncerBinary, join(directory, 'pgbouncer.ini')]),
      cwd: directory,
      env: {},
      probe: probeFor(native.port, native.database, userlist, context.env),
      // PgBouncer's safe shutdown: running transactions finish, then it exits.
      stopSignal: 'SIGINT',
      setup: { directory, files, unprivileged: true },
      // Both re-read their configuration on SIGHUP without dropping connections.
      reloadSignal: 'SIGHUP',
      requires: {
        path: pgbouncerBinary,
        install: "run 'make bootstrap' (or 'apt-get install pgbouncer')",
      },
    };
  },
};
