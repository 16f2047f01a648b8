import { setTimeout as sleep } from 'node:timers/promises';
import type { StackPlan } from './plan.ts';
import { isRunning, readRecord } from './state.ts';
import type { PlannedInstance } from './types.ts';

/**
 * The origins of the running balancers (nginx) whose generated upstream lists `instance`: where a restarted replica
 * must show up again before the next one goes.
 */
export function balancersOf(plan: StackPlan, instance: PlannedInstance): string[] {
  const ports = instance.ports.map((port) => port.host);
  return plan.services
    .filter((service) => service.kind === 'nginx')
    .flatMap((service) => service.instances)
    .filter((balancer) => {
      const conf = balancer.setup?.files['nginx.conf'] ?? '';
      return ports.some((port) => new RegExp(`^\\s*server 127\\.0\\.0\\.1:${port}[\\s;]`, 'm').test(conf));
    })
    .filter((balancer) => isRunning(readRecord(plan.stage.stateDir, balancer.name)))
    .flatMap((balancer) => {
      const [listening] = balancer.ports;
      return listening ? [`http://127.0.0.1:${listening.host}`] : [];
    });
}

/**
 * Waits until the balancer at `origin` sends a request to `replica` again, seen in the `X-Served-By` header every
 * replica sets from INSTANCE_NAME. Ready is not enough: nginx's passive health check keeps a replica that refused
 * connections out of rotation for `fail_timeout` after it is back. `path` is one every replica answers cheaply.
 */
export async function waitUntilBalancedTo(
  origin: string,
  replica: string,
  { path = '/', timeoutMs = 20_000 }: { path?: string; timeoutMs?: number } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const response = await fetch(new URL(path, origin), { signal: AbortSignal.timeout(2000) }).catch(
      () => null,
    );
    await response?.arrayBuffer().catch(() => undefined);
    if (response?.headers.get('x-served-by') === replica) return;
    await sleep(100);
  }
  throw new Error(
    `The balancer at ${origin} sent no request to ${replica} within ${timeoutMs} ms of it being ready: read its log, and check that the replica sets X-Served-By from INSTANCE_NAME.`,
  );
}

/** The path a replica's HTTP readiness probe fetches: cheap, and answered by every replica. */
export function probePath(instance: PlannedInstance): string {
  return instance.probe.type === 'http' ? new URL(instance.probe.url).pathname : '/';
}
