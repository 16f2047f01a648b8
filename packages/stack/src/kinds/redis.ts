import { join } from 'node:path';
import { commandArgs } from '../command.ts';
import type { ComposeService } from '../compose.ts';
import type { KindPlan, PlanContext, ServiceKind } from '../types.ts';
import { hostPathOf } from '../volumes.ts';

const redisBinary = process.env.REDIS_SERVER_BIN ?? '/usr/bin/redis-server';
const imageDataDir = '/data';

/** `--name value` from the command line, the last one winning as it does for redis-server. */
function option(args: string[], name: string): string | undefined {
  const at = args.lastIndexOf(`--${name}`);
  return at === -1 ? undefined : args[at + 1];
}

/**
 * The official image: `command: redis-server --appendonly yes ...` runs Debian's redis-server with the same
 * arguments (a mounted config file is read from its host path), then listening on 127.0.0.1 and the published port,
 * with its data in the named volume mounted on /data (else in the instance's folder) and its log on stdout.
 */
export const redisKind: ServiceKind = {
  name: 'redis',
  matches: (service: ComposeService) => /^(docker\.io\/)?(library\/)?redis(:|@|$)/.test(service.image ?? ''),
  plan(context: PlanContext): KindPlan {
    const [program, ...args] = commandArgs(context.service.command);
    if (program !== undefined && program !== 'redis-server') {
      throw new Error(
        `Service "${context.name}" runs "${program}"; the native runner starts "redis-server [config] [--option value ...]" only.`,
      );
    }
    const containerPort = Number(option(args, 'port') ?? 6379);
    const published = context.ports.find((port) => port.container === containerPort);
    if (!published) {
      throw new Error(
        `Service "${context.name}" needs a native port for Redis' ${containerPort} (expose: ["${containerPort}"] and x-native-port: 16379) so native processes can reach it.`,
      );
    }
    const mapped = args.map((arg, index) =>
      index === 0 && arg.startsWith('/') ? (hostPathOf(arg, context.mounts) ?? arg) : arg,
    );
    const volume = context.mounts.find((mount) => mount.named && mount.target === imageDataDir);
    const dataDir = join(
      context.stateDir,
      volume ? 'volumes' : 'services',
      volume?.source ?? context.instance,
    );
    const password = option(args, 'requirepass');
    return {
      argv: [
        redisBinary,
        ...mapped,
        // Later arguments win: these take over whatever the compose command or config file said.
        ...['--port', String(published.host), '--bind', '127.0.0.1', '--dir', dataDir],
        ...['--daemonize', 'no', '--logfile', ''],
      ],
      env: {},
      probe: { type: 'redis', port: published.host, ...(password ? { password } : {}) },
      stopSignal: 'SIGTERM',
      setup: { directory: dataDir, files: {}, unprivileged: false },
      requires: { path: redisBinary, install: "run 'make bootstrap' (or 'apt-get install redis-server')" },
    };
  },
};
