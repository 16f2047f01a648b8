import { commandArgs } from '../command.ts';
import type { ComposeService } from '../compose.ts';
import { metricsContainerPort } from '../metrics-ports.ts';
import type { KindPlan, PlanContext, ServiceKind } from '../types.ts';
import { fallbackProbe, healthcheckProbe } from './healthcheck.ts';

/** Our own services: built from docker/app.Dockerfile, whose WORKDIR is the repository root, and run with `node <entry>.ts`. */
export const nodeKind: ServiceKind = {
  name: 'node',
  matches: (service: ComposeService) => service.build !== undefined,
  plan(context: PlanContext): KindPlan {
    const argv = commandArgs(context.service.command);
    if (argv[0] !== 'node') {
      throw new Error(
        `Service "${context.name}" must set its command to ["node", "<entry>.ts"] so it runs the same way with and without Docker.`,
      );
    }
    const env = { ...context.env };
    const serving = context.ports.filter((port) => port.container !== metricsContainerPort);
    const metrics = context.ports.find((port) => port.container === metricsContainerPort);
    // Natively there is no port mapping: the process itself listens on 127.0.0.1 and its own ports.
    if (serving.length === 1 || metrics) env.HOST = '127.0.0.1';
    if (serving.length === 1) env.PORT = String(serving[0]?.host);
    if (metrics) env.METRICS_PORT = String(metrics.host);
    // Docker gives each container its own hostname; natively the instance name tells replicas apart (X-Served-By).
    env.INSTANCE_NAME ??= context.instance;
    return {
      argv: [context.nodePath, ...argv.slice(1)],
      env,
      probe: context.oneShot ? { type: 'exit' } : (healthcheckProbe(context) ?? fallbackProbe(context)),
      stopSignal: 'SIGTERM',
    };
  },
};
