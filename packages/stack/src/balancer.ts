import { readdirSync, readFileSync } from 'node:fs';
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

/** The processes whose parent is `pid` (an nginx master's workers, cache manager and loader). */
export function childrenOf(pid: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (parent === pid) children.push(Number(entry));
    } catch {
      // The process exited while we looked.
    }
  }
  return children;
}

/**
 * Waits until an nginx master that was sent SIGHUP has applied its new configuration: it runs new workers and every
 * worker it had before has exited. An old worker finishes the requests it has in flight before it exits, so from
 * then on no request reaches an upstream server the new configuration dropped. Returns the old workers still busy
 * when the time is up; nginx keeps its old workers when the new configuration is invalid, which is the error below.
 */
export async function waitForNginxReload(
  masterPid: number,
  previousChildren: number[],
  { timeoutMs = 30_000, log }: { timeoutMs?: number; log: string },
): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const children = childrenOf(masterPid);
    const oldLeft = children.filter((child) => previousChildren.includes(child));
    const fresh = children.filter((child) => !previousChildren.includes(child));
    if (oldLeft.length === 0 && fresh.length > 0) return [];
    if (Date.now() > deadline) {
      if (fresh.length > 0) return oldLeft;
      throw new Error(
        `nginx (pid ${masterPid}) did not start workers with its new configuration within ${timeoutMs} ms, so it probably refused it: read ${log}, fix the configuration, and scale again.`,
      );
    }
    await sleep(50);
  }
}
