import { commandArgs } from '../command.ts';
import type { ComposeService } from '../compose.ts';
import type { KindPlan, PlanContext, ServiceKind } from '../types.ts';
import {
  bootstrapHint,
  listenPortOf,
  metricsProbe,
  nativeArgs,
  nativeListenPort,
  withFlag,
} from './exporter.ts';

const binary = process.env.POSTGRES_EXPORTER_BIN ?? '/usr/bin/prometheus-postgres-exporter';
const imagePort = 9187;

/**
 * prometheuscommunity/postgres-exporter: Debian's build of the same program, with the compose command's flags and
 * the image's environment (DATA_SOURCE_NAME, or DATA_SOURCE_URI with DATA_SOURCE_USER / DATA_SOURCE_PASS, addresses
 * already mapped), listening on 127.0.0.1 and its native port.
 */
export const postgresExporterKind: ServiceKind = {
  name: 'postgres-exporter',
  matches: (service: ComposeService) => /(^|\/)postgres-exporter(:|@|$)/.test(service.image ?? ''),
  plan(context: PlanContext): KindPlan {
    const args = nativeArgs(context, commandArgs(context.service.command));
    const port = nativeListenPort(context, listenPortOf(args, 'web.listen-address', imagePort));
    return {
      argv: [binary, ...withFlag(args, 'web.listen-address', `127.0.0.1:${port}`)],
      env: { ...context.env },
      probe: metricsProbe(port),
      stopSignal: 'SIGTERM',
      requires: { path: binary, install: bootstrapHint('prometheus-postgres-exporter') },
    };
  },
};
