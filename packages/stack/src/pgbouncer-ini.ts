import { join } from 'node:path';
import { publishedPort } from './environment.ts';
import type { PortMapping } from './ports.ts';
import { copiedPathOf, type Mount, mountCopyPath } from './volumes.ts';

export interface NativePgbouncerOptions {
  /** The service's name, for error messages. */
  service: string;
  /** The service's own published ports: its listen_port must be one of them. */
  ports: PortMapping[];
  /** Every service's published ports, for `host=<service> port=<port>` in [databases]. */
  published: Map<string, PortMapping[]>;
  mounts: Mount[];
  /** The instance's private folder: socket, pid file and log file go here. */
  directory: string;
}

export interface NativePgbouncer {
  ini: string;
  port: number;
  /** The first database it serves: what the readiness query needs. */
  database: string | null;
  /** `auth_file` as the container sees it; natively it is read from its copy in the instance's folder. */
  authFile: string | null;
}

const sectionHeader = /^\s*\[([^\]]+)\]\s*$/;
const setting = /^(\s*)([A-Za-z_][\w.]*)(\s*=\s*)(.*?)\s*$/;

/**
 * Rewrites a mounted pgbouncer.ini for a native run: listen on 127.0.0.1 and the published port, reach
 * `host=<service> port=<port>` through that service's published port, keep sockets, pid and log files in the
 * instance's folder, and read mounted files (auth_file, ...) from their copies there. Everything else stays as written.
 */
export function nativePgbouncerIni(text: string, options: NativePgbouncerOptions): NativePgbouncer {
  let section = '';
  let port: number | undefined;
  let database: string | null = null;
  let authFile: string | null = null;
  const seen = new Set<string>();
  const lines = text.split('\n').map((line) => {
    const header = sectionHeader.exec(line);
    if (header) {
      section = (header[1] as string).trim().toLowerCase();
      return line;
    }
    const match = setting.exec(line);
    if (!match || /^\s*[;#]/.test(line)) return line;
    const [, indent, key, equals, value] = match as unknown as [string, string, string, string, string];
    const write = (next: string) => `${indent}${key}${equals}${next}`;
    if (section === 'databases') {
      if (key !== '*' && database === null) database = key;
      return write(nativeConnectionString(value, options));
    }
    if (section !== 'pgbouncer') return line;
    seen.add(key);
    switch (key) {
      case 'listen_addr':
        return write('127.0.0.1');
      case 'listen_port':
        port = listenPort(Number(value), options);
        return write(String(port));
      case 'unix_socket_dir':
        return write(options.directory);
      case 'logfile':
        return value === '' ? line : write(join(options.directory, 'pgbouncer.log'));
      case 'pidfile':
        return value === '' ? line : write(join(options.directory, 'pgbouncer.pid'));
      case 'user':
        // The runner already starts it as the unprivileged account; the image's user may not exist here.
        return `; ${line.trim()} (natively: run as the runner's service account)`;
      case 'auth_file':
        // Always a copy: the mounted file and the line the image's entrypoint adds from DB_USER (pgbouncer kind).
        authFile = value;
        return write(mountCopyPath(value, options.directory));
      default: {
        const copy = value.startsWith('/') ? copiedPathOf(value, options.mounts, options.directory) : null;
        return copy ? write(copy) : line;
      }
    }
  });
  const added: string[] = [];
  if (!seen.has('listen_addr')) added.push('listen_addr = 127.0.0.1');
  // PgBouncer's default listen_port.
  if (!seen.has('listen_port')) added.push(`listen_port = ${listenPort(6432, options)}`);
  if (!seen.has('unix_socket_dir')) added.push(`unix_socket_dir = ${options.directory}`);
  const pgbouncerHeader = lines.findIndex((line) => sectionHeader.exec(line)?.[1]?.trim() === 'pgbouncer');
  if (pgbouncerHeader === -1) {
    throw new Error(`The pgbouncer.ini of service "${options.service}" has no [pgbouncer] section: add one.`);
  }
  lines.splice(pgbouncerHeader + 1, 0, ...added);
  return { ini: lines.join('\n'), port: port ?? listenPort(6432, options), database, authFile };
}

function listenPort(containerPort: number, options: NativePgbouncerOptions): number {
  const mapping = options.ports.find((candidate) => candidate.container === containerPort);
  if (!mapping) {
    throw new Error(
      `Service "${options.service}" listens on ${containerPort} (listen_port in its pgbouncer.ini) but has no native port for it: add expose: ["${containerPort}"] and x-native-port: <host port>.`,
    );
  }
  return mapping.host;
}

/** `host=postgres port=5432 dbname=conduit` becomes `host=127.0.0.1 port=15432 dbname=conduit`. */
function nativeConnectionString(value: string, options: NativePgbouncerOptions): string {
  const pairs = value.split(/\s+/).map((pair) => {
    const at = pair.indexOf('=');
    return at === -1 ? [pair, null] : [pair.slice(0, at), pair.slice(at + 1)];
  });
  const host = pairs.find(([key]) => key === 'host')?.[1];
  if (!host || !options.published.has(host)) return value;
  const containerPort = Number(pairs.find(([key]) => key === 'port')?.[1] ?? 5432);
  const hostPort = publishedPort(options.published, host, containerPort, options.service);
  const rewritten = pairs.map(([key, current]) => {
    if (key === 'host') return [key, '127.0.0.1'];
    if (key === 'port') return [key, String(hostPort)];
    return [key, current];
  });
  if (!rewritten.some(([key]) => key === 'port')) rewritten.push(['port', String(hostPort)]);
  return rewritten.map(([key, current]) => (current === null ? key : `${key}=${current}`)).join(' ');
}

/** The first user of a userlist.txt whose password is in clear (not an md5 or SCRAM secret). */
export function clearTextUser(userlist: string): { user: string; password: string } | null {
  for (const line of userlist.split('\n')) {
    const match = /^\s*"((?:[^"]|"")*)"\s+"((?:[^"]|"")*)"/.exec(line);
    if (!match) continue;
    const [user, password] = [match[1], match[2]].map((text) => (text as string).replaceAll('""', '"')) as [
      string,
      string,
    ];
    if (/^md5[0-9a-f]{32}$/.test(password) || password.startsWith('SCRAM-SHA-256$')) continue;
    return { user, password };
  }
  return null;
}
