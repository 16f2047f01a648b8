/**
 * How to declare the edge cache in compose (stage 4's varnish):
 *
 *   varnish:
 *     image: varnish:7.6
 *     volumes:
 *       - ./config/varnish/default.vcl:/etc/varnish/default.vcl:ro   # backends name services: .host = "toxiproxy"
 *     environment:
 *       VARNISH_HTTP_PORT: "8080"      # the image listens here (default 80)
 *       VARNISH_SIZE: 128M             # -s malloc,<size> (default 100M)
 *     command: ["-p", "default_grace=0s"]   # optional: more varnishd flags, as the image appends them
 *     ports: ["8080:8080"]
 *
 * Natively: Debian's varnishd 7.1 (the VCL must compile on 7.1 and 7.6), no PROXY-protocol listener.
 */
import { join } from 'node:path';
import { commandArgs } from '../command.ts';
import type { ComposeService } from '../compose.ts';
import { readMountedConfig } from '../native-config.ts';
import { asUnprivileged } from '../privileges.ts';
import type { KindPlan, PlanContext, ServiceKind } from '../types.ts';
import { nativeVcl } from '../varnish-vcl.ts';
import { healthcheckProbe } from './healthcheck.ts';

const varnishBinary = process.env.VARNISHD_BIN ?? '/usr/sbin/varnishd';
const imageVcl = '/etc/varnish/default.vcl';

/** Flags the runner sets itself: where it listens, its work folder, its VCL, the foreground. */
const runnerFlags = new Set(['-a', '-n', '-F', '-d', '-b']);

/**
 * The official image: `varnishd -F -f /etc/varnish/default.vcl -a :$VARNISH_HTTP_PORT -s malloc,$VARNISH_SIZE` plus
 * the compose command's flags, as Debian's varnishd run by the unprivileged account (no jail), with its work folder
 * (-n) in the instance's folder and the mounted VCL rewritten so its backends reach the services' native ports.
 */
export const varnishKind: ServiceKind = {
  name: 'varnish',
  matches: (service: ComposeService) =>
    /^(docker\.io\/)?(library\/)?varnish(:|@|$)/.test(service.image ?? ''),
  plan(context: PlanContext): KindPlan {
    const args = commandArgs(context.service.command);
    if (args[0] !== undefined && !args[0].startsWith('-')) {
      throw new Error(
        `Service "${context.name}" runs "${args[0]}"; give varnishd flags only (command: ["-p", "name=value"]), which the image appends to its own.`,
      );
    }
    const at = args.indexOf('-f');
    const vclPath = (at === -1 ? undefined : args[at + 1]) ?? imageVcl;
    const flags = args.filter((_, index) => at === -1 || (index !== at && index !== at + 1));
    const reserved = flags.find((flag) => runnerFlags.has(flag));
    if (reserved) {
      throw new Error(
        `Service "${context.name}" passes ${reserved}, which the native runner sets itself (listen address, work folder, foreground): remove it from the command.`,
      );
    }
    const containerPort = Number(context.env.VARNISH_HTTP_PORT ?? 80);
    const listen = context.ports.find((port) => port.container === containerPort);
    if (!listen) {
      throw new Error(
        `Service "${context.name}" listens on ${containerPort} (VARNISH_HTTP_PORT) but does not publish it: add ports: ["<host>:${containerPort}"].`,
      );
    }
    const {
      source,
      text,
      context: native,
    } = readMountedConfig(context, vclPath, './config/varnish/default.vcl');
    const { directory } = native;
    const header = `# Written by the native stack runner from ${source}: backends mapped to this host's ports.\n`;
    return {
      argv: asUnprivileged([
        varnishBinary,
        '-F',
        ...['-n', join(directory, 'work')],
        ...['-a', `127.0.0.1:${listen.host}`],
        ...['-f', join(directory, 'default.vcl')],
        // The image's own flags: HTTP/2 on, the cache in memory of VARNISH_SIZE.
        ...['-p', 'feature=+http2', '-s', `malloc,${context.env.VARNISH_SIZE ?? '100M'}`],
        ...flags,
      ]),
      cwd: directory,
      // The container's environment, which the VCL may read (std.getenv: EDGE_PURGE_TOKEN).
      env: context.env,
      // Any answer means the cache runs its VCL (the origin behind it may still answer 503).
      probe: healthcheckProbe(context) ?? {
        type: 'http',
        url: `http://127.0.0.1:${listen.host}/`,
        anyStatus: true,
      },
      stopSignal: 'SIGTERM',
      setup: { directory, files: { 'default.vcl': header + nativeVcl(text, native) }, unprivileged: true },
      requires: { path: varnishBinary, install: "run 'make bootstrap' (or 'apt-get install varnish')" },
    };
  },
};
