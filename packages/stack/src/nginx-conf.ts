import { isAbsolute, join } from 'node:path';
import { rewriteAddresses } from './environment.ts';
import type { NativeConfigContext } from './native-config.ts';
import { copiedPathOf, type Mount } from './volumes.ts';

/** The image's configuration folder, where relative `include`s start. */
const imageConfDir = '/etc/nginx';
/** The official image links these to the container's output; natively they are the instance's log. */
const imageLogs: Record<string, string> = {
  '/var/log/nginx/error.log': 'stderr',
  '/var/log/nginx/access.log': '/dev/stdout',
};
const tempPaths = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'];

/**
 * Rewrites a mounted nginx.conf for a native run: `listen` on 127.0.0.1 and the published port, each
 * `server <service>:<port> ...;` of an upstream expanded to one line per replica, other `<service>:<port>` addresses
 * mapped to published ports, the pid file and temp paths in the instance's folder, mounted paths to their copies in that folder.
 * Comments and everything else stay as written. Included files are read as they are, so keep addresses here.
 */
export function nativeNginxConf(text: string, options: NativeConfigContext): string {
  const replicated = new Set(
    [...options.replicaPorts].filter(([, instances]) => instances.length > 1).map(([name]) => name),
  );
  const hasPid = /^\s*pid\s/m.test(text);
  const lines = text.split('\n').flatMap((line) => {
    const hash = line.indexOf('#');
    const code = hash === -1 ? line : line.slice(0, hash);
    const comment = hash === -1 ? '' : line.slice(hash);
    if (code.trim() === '') return [line];
    return rewriteStatement(code, options, replicated).map((rewritten, index) =>
      index === 0 ? `${rewritten}${comment}` : rewritten,
    );
  });
  const conf = lines.join('\n');
  const withTemp = conf.replace(/^(\s*http\s*\{)/m, (header) => {
    const missing = tempPaths.filter((path) => !new RegExp(`^\\s*${path}_temp_path\\s`, 'm').test(text));
    return [
      header,
      ...missing.map((path) => `    ${path}_temp_path ${join(options.directory, `${path}_temp`)};`),
    ].join('\n');
  });
  return hasPid ? withTemp : `pid ${join(options.directory, 'nginx.pid')};\n${withTemp}`;
}

function rewriteStatement(
  code: string,
  options: NativeConfigContext,
  replicated: ReadonlySet<string>,
): string[] {
  const indent = /^\s*/.exec(code)?.[0] ?? '';
  const [directive, ...args] = code.trim().replace(/;\s*$/, '').split(/\s+/);
  switch (directive) {
    case 'user':
      // The runner starts nginx as its service account; the image's user may not exist here.
      return [`${indent}# ${code.trim()} (natively: the runner's service account)`];
    case 'pid':
      return [`${indent}pid ${join(options.directory, 'nginx.pid')};`];
    case 'listen':
      return [listen(indent, args, options)];
    case 'server': {
      const upstream = /^([\w.-]+):(\d+)$/.exec(args[0] ?? '');
      const replicas = upstream ? options.replicaPorts.get(upstream[1] as string) : undefined;
      if (!upstream || !replicas) break;
      const containerPort = Number(upstream[2]);
      const rest = args.slice(1).join(' ');
      return replicas.map((ports, index) => {
        const port = ports.find((mapping) => mapping.container === containerPort);
        if (!port) {
          throw new Error(
            `Service "${options.service}" balances over ${upstream[0]}, but replica ${index + 1} of "${upstream[1]}" has no port ${containerPort}: add expose: ["${containerPort}"] to it.`,
          );
        }
        return `${indent}server 127.0.0.1:${port.host}${rest ? ` ${rest}` : ''};`;
      });
    }
  }
  const mapped = code.replace(/(?<=\s)(\/[^\s;]+|[\w.-]+\.(?:conf|types))(?=[\s;])/g, (path) =>
    mountedPath(path, directive, options.mounts, options.directory),
  );
  return [rewriteAddresses(mapped, options.published, options.service, replicated)];
}

function listen(indent: string, args: string[], options: NativeConfigContext): string {
  const [address = '', ...parameters] = args;
  if (address.startsWith('[')) return `${indent}# listen ${args.join(' ')}; (natively: IPv4 loopback only)`;
  const containerPort = Number(address.includes(':') ? address.slice(address.lastIndexOf(':') + 1) : address);
  const mapping = options.ports.find((port) => port.container === containerPort);
  if (!mapping) {
    throw new Error(
      `Service "${options.service}" listens on ${containerPort} (its nginx.conf) but does not publish it: add ports: ["<host>:${containerPort}"].`,
    );
  }
  return `${indent}listen 127.0.0.1:${mapping.host}${parameters.length ? ` ${parameters.join(' ')}` : ''};`;
}

/** Image paths to host paths: the image's logs, copies of mounted files, and relative includes (from /etc/nginx). */
function mountedPath(
  path: string,
  directive: string | undefined,
  mounts: Mount[],
  directory: string,
): string {
  if (imageLogs[path]) return imageLogs[path];
  const absolute = isAbsolute(path) ? path : directive === 'include' ? join(imageConfDir, path) : null;
  if (!absolute) return path;
  return copiedPathOf(absolute, mounts, directory) ?? absolute;
}
