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

const binary = process.env.REDIS_EXPORTER_BIN ?? '/usr/bin/prometheus-redis-exporter';
const imagePort = 9121;

/**
 * oliver006/redis_exporter: Debian's build of the same program, with the compose command's flags and the image's
 * environment (REDIS_ADDR mapped to the native Redis, REDIS_PASSWORD), listening on 127.0.0.1 and its native port.
 */
export const redisExporterKind: ServiceKind = {
  name: 'redis-exporter',
  matches: (service: ComposeService) => /(^|\/)redis_exporter(:|@|$)/.test(service.image ?? ''),
  plan(context: PlanContext): KindPlan {
    const args = nativeArgs(context, commandArgs(context.service.command));
    const port = nativeListenPort(
      context,
      listenPortOf(args, 'web.listen-address', imagePort, context.env.REDIS_EXPORTER_WEB_LISTEN_ADDRESS),
    );
    return {
      argv: [binary, ...withFlag(args, 'web.listen-address', `127.0.0.1:${port}`)],
      env: { ...context.env },
      probe: metricsProbe(port),
      stopSignal: 'SIGTERM',
      requires: { path: binary, install: bootstrapHint('prometheus-redis-exporter') },
    };
  },
};
