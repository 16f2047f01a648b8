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

const binary = process.env.NGINX_EXPORTER_BIN ?? '/usr/bin/prometheus-nginx-exporter';
const imagePort = 9113;

/**
 * nginx/nginx-prometheus-exporter: Debian's build of the same program with the compose command's flags
 * (`--nginx.scrape-uri=http://nginx:8081/stub_status` mapped to nginx's native port), on 127.0.0.1 and its native port.
 */
export const nginxExporterKind: ServiceKind = {
  name: 'nginx-exporter',
  matches: (service: ComposeService) => /(^|\/)nginx-prometheus-exporter(:|@|$)/.test(service.image ?? ''),
  plan(context: PlanContext): KindPlan {
    const args = nativeArgs(context, commandArgs(context.service.command));
    const port = nativeListenPort(
      context,
      listenPortOf(args, 'web.listen-address', imagePort, context.env.LISTEN_ADDRESS),
    );
    return {
      argv: [binary, ...withFlag(args, 'web.listen-address', `127.0.0.1:${port}`)],
      env: { ...context.env },
      probe: metricsProbe(port),
      stopSignal: 'SIGTERM',
      requires: { path: binary, install: bootstrapHint('prometheus-nginx-exporter') },
    };
  },
};
