import { commandArgs, healthcheckUrl } from '../command.ts';
import type { ComposeService } from '../compose.ts';
import type { KindPlan, PlanContext, ReadinessProbe, ServiceKind } from '../types.ts';

function probeFor(context: PlanContext): ReadinessProbe {
  if (context.oneShot) return { type: 'exit' };
  const url = healthcheckUrl(context.service.healthcheck?.test);
  if (!url) {
    const [published] = context.ports;
    return published ? { type: 'tcp', port: published.host } : { type: 'started' };
  }
  // The healthcheck runs inside the container, against the container port; natively the process owns the host port.
  const containerPort = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  const mapping = context.ports.find((port) => port.container === containerPort);
  url.hostname = '127.0.0.1';
  url.port = String(mapping?.host ?? containerPort);
  return { type: 'http', url: url.href };
}

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
    // Natively there is no port mapping: the process itself listens on 127.0.0.1 and the published port.
    if (context.ports.length === 1) {
      env.HOST = '127.0.0.1';
      env.PORT = String(context.ports[0]?.host);
    }
    return {
      argv: [context.nodePath, ...argv.slice(1)],
      env,
      probe: probeFor(context),
      stopSignal: 'SIGTERM',
    };
  },
};
