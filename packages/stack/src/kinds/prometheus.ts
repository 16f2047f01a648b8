import { join } from 'node:path';
import { commandArgs } from '../command.ts';
import type { ComposeService } from '../compose.ts';
import { readMountedConfig } from '../native-config.ts';
import { prometheusConfigPath, prometheusPort } from '../prometheus-config.ts';
import { nativePrometheusConfig } from '../prometheus-native.ts';
import type { KindPlan, PlanContext, ServiceKind } from '../types.ts';
import { mountedFiles } from '../volumes.ts';
import { flagValue, listenPortOf, nativeListenPort, withFlag } from './exporter.ts';

const binary = process.env.PROMETHEUS_BIN ?? '/usr/bin/prometheus';
/** The image's CMD, which a compose `command` replaces as a whole. */
const imageDefaults = [`--config.file=${prometheusConfigPath}`, '--storage.tsdb.path=/prometheus'];

/**
 * prom/prometheus: Debian's Prometheus with the compose command's flags, reading the mounted prometheus.yml
 * rewritten for this host (see prometheus-native.ts), its data in the named volume mounted on the storage path
 * (else the instance's folder), listening on 127.0.0.1 and the published port. SIGHUP reloads the configuration,
 * so a scale change adds or removes the replicas' targets without a restart.
 */
export const prometheusKind: ServiceKind = {
  name: 'prometheus',
  matches: (service: ComposeService) => /^(docker\.io\/)?prom\/prometheus(:|@|$)/.test(service.image ?? ''),
  plan(context: PlanContext): KindPlan {
    const given = commandArgs(context.service.command);
    const args = given.length > 0 ? given : imageDefaults;
    const confPath = flagValue(args, 'config.file') ?? prometheusConfigPath;
    const mounted = readMountedConfig(
      context,
      confPath,
      './config/prometheus.yml',
      'generate it with pnpm stack prometheus <stage>',
    );
    const { source } = mounted;
    const { directory } = mounted.context;
    const storagePath = flagValue(args, 'storage.tsdb.path') ?? '/prometheus';
    const volume = context.mounts.find((mount) => mount.named && mount.target === storagePath);
    const dataDir = volume ? join(context.stateDir, 'volumes', volume.source) : join(directory, 'data');
    const port = nativeListenPort(context, listenPortOf(args, 'web.listen-address', prometheusPort));
    const config = nativePrometheusConfig(mounted.text, mounted.context);
    const header = `# Written by the native stack runner from ${source}: targets, ports and paths mapped to this host.\n`;
    let argv = withFlag(args, 'config.file', join(directory, 'prometheus.yml'));
    argv = withFlag(argv, 'storage.tsdb.path', dataDir);
    argv = withFlag(argv, 'web.listen-address', `127.0.0.1:${port}`);
    return {
      argv: [binary, ...argv],
      env: {},
      probe: { type: 'http', url: `http://127.0.0.1:${port}/-/ready` },
      stopSignal: 'SIGTERM',
      setup: {
        directory,
        files: { ...mountedFiles(context.mounts), 'prometheus.yml': header + config },
        unprivileged: false,
      },
      reloadSignal: 'SIGHUP',
      requires: { path: binary, install: "run 'make bootstrap' (or 'apt-get install prometheus')" },
    };
  },
};
