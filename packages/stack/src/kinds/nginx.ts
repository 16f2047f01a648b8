import { join } from 'node:path';
import { commandArgs } from '../command.ts';
import type { ComposeService } from '../compose.ts';
import { readMountedConfig } from '../native-config.ts';
import { nativeNginxConf } from '../nginx-conf.ts';
import { asUnprivileged } from '../privileges.ts';
import type { KindPlan, PlanContext, ServiceKind } from '../types.ts';
import { mountedFiles } from '../volumes.ts';
import { fallbackProbe, healthcheckProbe } from './healthcheck.ts';

const nginxBinary = process.env.NGINX_BIN ?? '/usr/sbin/nginx';
const defaultContainerConf = '/etc/nginx/nginx.conf';

/**
 * The official image: the mounted nginx.conf, rewritten for 127.0.0.1 and the replicas' ports (see nginx-conf.ts),
 * run in the foreground by Debian's nginx as the unprivileged account, with its prefix, pid file and temp files in
 * the instance's folder and its logs on stdout and stderr, as in the container.
 */
export const nginxKind: ServiceKind = {
  name: 'nginx',
  matches: (service: ComposeService) => /^(docker\.io\/)?(library\/)?nginx(:|@|$)/.test(service.image ?? ''),
  plan(context: PlanContext): KindPlan {
    const args = commandArgs(context.service.command);
    const at = args.indexOf('-c');
    const confPath = (at === -1 ? undefined : args[at + 1]) ?? defaultContainerConf;
    const { source, text, context: native } = readMountedConfig(context, confPath, './config/nginx.conf');
    const { directory } = native;
    const conf = nativeNginxConf(text, native);
    const header = `# Written by the native stack runner from ${source}: addresses, ports and paths mapped to this host.\n`;
    // The image's CMD adds `daemon off;` unless the file says it.
    const foreground = /^\s*daemon\s/m.test(text) ? [] : ['-g', 'daemon off;'];
    return {
      argv: asUnprivileged([
        nginxBinary,
        ...['-e', 'stderr', '-p', `${directory}/`, '-c', join(directory, 'nginx.conf')],
        ...foreground,
      ]),
      cwd: directory,
      env: {},
      probe: healthcheckProbe(context) ?? fallbackProbe(context),
      // nginx's graceful shutdown (the image's STOPSIGNAL): requests in flight are answered first.
      stopSignal: 'SIGQUIT',
      setup: {
        directory,
        files: { ...mountedFiles(context.mounts), 'nginx.conf': header + conf },
        unprivileged: true,
      },
      // Both re-read their configuration on SIGHUP without dropping connections.
      reloadSignal: 'SIGHUP',
      requires: { path: nginxBinary, install: "run 'make bootstrap' (or 'apt-get install nginx-light')" },
    };
  },
};
