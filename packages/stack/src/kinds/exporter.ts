import { commandArgs } from '../command.ts';
import type { ComposeService } from '../compose.ts';
import { rewriteAddresses } from '../environment.ts';
import type { KindPlan, PlanContext, ReadinessProbe, ServiceKind } from '../types.ts';

/** A standard exporter image whose program Debian packages as `prometheus-<name>`, run natively in its place. */
export interface DebianExporter {
  /** The kind's name, also the Debian package's after `prometheus-` (`nginx-exporter`). */
  name: string;
  /** The image's repository name (`nginx-prometheus-exporter`), matched with or without a registry prefix. */
  image: string;
  /** The port the image listens on when neither a flag nor `listenVariable` says otherwise. */
  imagePort: number;
  /** The environment variable the image reads its listen address from, when it reads one. */
  listenVariable?: string;
}

/**
 * A kind that runs Debian's build of the image's program with the compose command's flags (addresses mapped to the
 * native services) and the image's environment, listening on 127.0.0.1 and the native port of its container port.
 * `<NAME>_BIN` (`NGINX_EXPORTER_BIN`) points at another build of the same program.
 */
export function debianExporterKind(exporter: DebianExporter): ServiceKind {
  const pkg = `prometheus-${exporter.name}`;
  const binary = process.env[`${exporter.name.toUpperCase().replaceAll('-', '_')}_BIN`] ?? `/usr/bin/${pkg}`;
  const image = new RegExp(`(^|/)${exporter.image}(:|@|$)`);
  return {
    name: exporter.name,
    matches: (service: ComposeService) => image.test(service.image ?? ''),
    plan(context: PlanContext): KindPlan {
      const args = nativeArgs(context, commandArgs(context.service.command));
      const fromEnvironment = exporter.listenVariable ? context.env[exporter.listenVariable] : undefined;
      const port = nativeListenPort(
        context,
        listenPortOf(args, 'web.listen-address', exporter.imagePort, fromEnvironment),
      );
      return {
        argv: [binary, ...withFlag(args, 'web.listen-address', `127.0.0.1:${port}`)],
        env: { ...context.env },
        probe: metricsProbe(port),
        stopSignal: 'SIGTERM',
        requires: { path: binary, install: bootstrapHint(pkg) },
      };
    },
  };
}

/**
 * Where an exporter (or Prometheus) listens natively: the host port of its container port, which the compose file
 * gives with `expose` and `x-native-port` (on the compose network only) or, for a UI, `ports` on 127.0.0.1.
 */
export function nativeListenPort(context: PlanContext, containerPort: number): number {
  const mapping = context.ports.find((port) => port.container === containerPort);
  if (!mapping) {
    throw new Error(
      `Service "${context.name}" listens on ${containerPort} but has no native port for it: add expose: ["${containerPort}"] and x-native-port: <host port>.`,
    );
  }
  return mapping.host;
}

/**
 * The port of `--name=:9187` / `--name :9187` / `-name=host:9187`, else of the environment variable the image also
 * reads (the flag wins, as in the exporters), else the image's default.
 */
export function listenPortOf(
  args: string[],
  flag: string,
  defaultPort: number,
  fromEnvironment?: string,
): number {
  const value = flagValue(args, flag) ?? fromEnvironment;
  return value === undefined || value === '' ? defaultPort : Number(value.slice(value.lastIndexOf(':') + 1));
}

/** The value of a Go flag (`-name`, `--name`, with `=value` or as the next argument); the last one wins. */
export function flagValue(args: string[], flag: string): string | undefined {
  let value: string | undefined;
  for (const [index, arg] of args.entries()) {
    const name = arg.replace(/^--?/, '');
    if (name.startsWith(`${flag}=`)) value = name.slice(flag.length + 1);
    else if (name === flag && arg.startsWith('-')) value = args[index + 1];
  }
  return value;
}

/** The arguments without any occurrence of the flag, then `--name=value` (Go's flag package and kingpin read both). */
export function withFlag(args: string[], flag: string, value: string): string[] {
  const kept: string[] = [];
  for (let index = 0; index < args.length; index++) {
    const arg = args[index] as string;
    const name = arg.replace(/^--?/, '');
    if (!arg.startsWith('-') || (name !== flag && !name.startsWith(`${flag}=`))) {
      kept.push(arg);
      continue;
    }
    if (name === flag && !(args[index + 1] ?? '-').startsWith('-')) index++;
  }
  return [...kept, `--${flag}=${value}`];
}

/** `<service>:<port>` in command arguments (a scrape URI, a connection string) mapped to 127.0.0.1, as in the environment. */
export function nativeArgs(context: PlanContext, args: string[]): string[] {
  const replicated = new Set(
    [...context.replicaPorts].filter(([, instances]) => instances.length > 1).map(([name]) => name),
  );
  return args.map((arg) => rewriteAddresses(arg, context.published, context.name, replicated));
}

/** An exporter is ready when its metrics page answers. */
export function metricsProbe(port: number, path = '/metrics'): ReadinessProbe {
  return { type: 'http', url: `http://127.0.0.1:${port}${path}` };
}

export const bootstrapHint = (pkg: string) => `run 'make bootstrap' (or 'apt-get install ${pkg}')`;
