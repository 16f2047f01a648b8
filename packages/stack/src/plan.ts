import { dirname } from 'node:path';
import type { ComposeFile, ComposeService, DependencyCondition } from './compose.ts';
import { composeEnvironment, rewriteAddresses } from './environment.ts';
import { kindOf } from './kinds/index.ts';
import { type PortMapping, parsePorts } from './ports.ts';
import { parseRestartPolicy } from './restart-policy.ts';
import type { StageRef } from './stage.ts';
import type { PlannedService } from './types.ts';
import { mountsOf } from './volumes.ts';

/** The port the API is published on; `STACK_HTTP_PORT` moves it. */
export const defaultHttpPort = 8080;

export interface PlanOptions {
  httpPort?: number;
  /** The Node binary that runs `node ...` commands (the one running the runner, so Node 24). */
  nodePath?: string;
}

export interface StackPlan {
  stage: StageRef;
  /** In dependency order: every service comes after the services it depends on. */
  services: PlannedService[];
  httpPort: number;
}

/** Turns a parsed compose file into native processes; pure, so a test can hold it against the compose file. */
export function planStack(compose: ComposeFile, stage: StageRef, options: PlanOptions = {}): StackPlan {
  const httpPort = options.httpPort ?? defaultHttpPort;
  const names = Object.keys(compose.services);
  const published = new Map<string, PortMapping[]>(
    names.map((name) => [
      name,
      parsePorts(name, compose.services[name] as ComposeService).map((port) =>
        port.host === defaultHttpPort ? { ...port, host: httpPort } : port,
      ),
    ]),
  );
  const dependencies = new Map(names.map((name) => [name, dependenciesOf(name, compose)]));
  const oneShots = new Set(
    [...dependencies.values()]
      .flat()
      .filter((dependency) => dependency.condition === 'service_completed_successfully')
      .map((dependency) => dependency.service),
  );

  const services = dependencyOrder(names, dependencies).map((name): PlannedService => {
    const service = compose.services[name] as ComposeService;
    const ports = published.get(name) ?? [];
    const environment = composeEnvironment(service);
    const env = Object.fromEntries(
      Object.entries(environment).map(([key, value]) => [key, rewriteAddresses(value, published, name)]),
    );
    const kind = kindOf(name, service);
    const oneShot = oneShots.has(name);
    const composeDir = dirname(stage.composeFile);
    const planned = kind.plan({
      name,
      service,
      stateDir: stage.stateDir,
      root: stage.root,
      composeDir,
      mounts: mountsOf(service, composeDir),
      nodePath: options.nodePath ?? process.execPath,
      ports,
      published,
      env,
      oneShot,
    });
    const replicas = replicasOf(name, service);
    if (replicas > 1 && ports.length > 0) {
      throw new Error(
        `Service "${name}" asks for ${replicas} replicas and publishes a port; natively each replica needs its own port, which this runner does not assign yet.`,
      );
    }
    const cpuset = service.cpuset ?? null;
    return {
      name,
      kind: kind.name,
      oneShot,
      instances:
        replicas === 1 ? [name] : Array.from({ length: replicas }, (_, index) => `${name}.${index + 1}`),
      argv: cpuset === null ? planned.argv : ['taskset', '-c', cpuset, ...planned.argv],
      cwd: stage.root,
      env: planned.env,
      cpuset,
      ports,
      probe: planned.probe,
      dependsOn: dependencies.get(name) ?? [],
      stopSignal: (service.stop_signal as NodeJS.Signals | undefined) ?? planned.stopSignal,
      stopTimeoutMs: durationMs(service.stop_grace_period) ?? 10_000,
      restart: parseRestartPolicy(name, service.restart),
      ...(planned.postgres ? { postgres: planned.postgres } : {}),
      ...(planned.setup ? { setup: planned.setup } : {}),
      ...(planned.requires ? { requires: planned.requires } : {}),
    };
  });
  return { stage, services, httpPort };
}

function dependenciesOf(name: string, compose: ComposeFile): PlannedService['dependsOn'] {
  const dependsOn = compose.services[name]?.depends_on ?? [];
  const list = Array.isArray(dependsOn)
    ? dependsOn.map((service) => ({ service, condition: 'service_started' as DependencyCondition }))
    : Object.entries(dependsOn).map(([service, { condition }]) => ({ service, condition }));
  for (const dependency of list) {
    if (!compose.services[dependency.service]) {
      throw new Error(
        `Service "${name}" depends on "${dependency.service}", which the compose file does not define.`,
      );
    }
  }
  return list;
}

/** Topological order that keeps the file's order among independent services. */
function dependencyOrder(names: string[], dependencies: Map<string, PlannedService['dependsOn']>): string[] {
  const ordered: string[] = [];
  const visiting = new Set<string>();
  const visit = (name: string, path: string[]) => {
    if (ordered.includes(name)) return;
    if (visiting.has(name)) {
      throw new Error(
        `Services depend on each other in a cycle: ${[...path, name].join(' -> ')}. Remove one depends_on.`,
      );
    }
    visiting.add(name);
    for (const dependency of dependencies.get(name) ?? []) visit(dependency.service, [...path, name]);
    visiting.delete(name);
    ordered.push(name);
  };
  for (const name of names) visit(name, []);
  return ordered;
}

function replicasOf(name: string, service: ComposeService): number {
  const replicas = Number(service.deploy?.replicas ?? service.scale ?? 1);
  if (!Number.isInteger(replicas) || replicas < 0) {
    throw new Error(`Service "${name}" asks for ${replicas} replicas: use a whole number.`);
  }
  return replicas;
}

/** Compose durations: "10s", "1m30s", "500ms". */
export function durationMs(value: string | undefined): number | null {
  if (!value) return null;
  const units: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1, us: 0.001 };
  let total = 0;
  for (const [, amount, unit] of value.matchAll(/(\d+(?:\.\d+)?)(ms|us|h|m|s)/g)) {
    total += Number(amount) * (units[unit as string] ?? 0);
  }
  return total;
}
