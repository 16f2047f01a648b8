import { dirname } from 'node:path';
import type { ComposeFile, ComposeService, DependencyCondition } from './compose.ts';
import { nativeEnvironment, rewriteAddresses } from './environment.ts';
import { kindOf } from './kinds/index.ts';
import { metricsContainerPort, metricsPortsOf } from './metrics-ports.ts';
import { type PortMapping, parsePorts } from './ports.ts';
import { hasLimits, resourceLimitsOf } from './resources.ts';
import { parseRestartPolicy } from './restart-policy.ts';
import type { StageRef } from './stage.ts';
import type { PlannedInstance, PlannedService } from './types.ts';
import { mountsOf } from './volumes.ts';

/** The port the API is published on; `STACK_HTTP_PORT` moves it. */
export const defaultHttpPort = 8080;

export interface PlanOptions {
  httpPort?: number;
  /** The Node binary that runs `node ...` commands (the one running the runner, so Node 24). */
  nodePath?: string;
  /** Replicas per service, over `deploy.replicas` (`up --scale app=2`). */
  scale?: Record<string, number>;
  /** One cpuset per replica per service, over `x-native-cpusets` (`up --cpusets app=0,1`). */
  cpusets?: Record<string, string[]>;
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
  const serviceOf = (name: string) => compose.services[name] as ComposeService;
  for (const name of Object.keys(options.scale ?? {})) {
    if (!compose.services[name])
      throw new Error(`There is no service "${name}" to scale: choose one of ${names.join(', ')}.`);
  }
  const replicas = new Map(names.map((name) => [name, replicasOf(name, serviceOf(name), options.scale)]));
  const metricsPorts = metricsPortsOf(compose, replicas);
  const replicaPorts = new Map(
    names.map((name) => {
      const ports = instancePorts(name, serviceOf(name), replicas.get(name) ?? 1, httpPort);
      const metrics = metricsPorts.get(name);
      return [name, metrics ? ports.map((own, index) => [...own, metrics[index] as PortMapping]) : ports];
    }),
  );
  assertDistinctPorts(replicaPorts);
  // Only a service with one process has one address; replicas are reached through a balancer's upstream.
  const published = new Map<string, PortMapping[]>(
    [...replicaPorts].flatMap(([name, ports]) => (ports.length === 1 ? [[name, ports[0] ?? []]] : [])),
  );
  const replicated = new Set([...replicaPorts].filter(([, ports]) => ports.length > 1).map(([name]) => name));
  const dependencies = new Map(names.map((name) => [name, dependenciesOf(name, compose)]));
  const oneShots = new Set(
    [...dependencies.values()]
      .flat()
      .filter((dependency) => dependency.condition === 'service_completed_successfully')
      .map((dependency) => dependency.service),
  );
  const composeDir = dirname(stage.composeFile);

  const services = dependencyOrder(names, dependencies).map((name): PlannedService => {
    const service = serviceOf(name);
    const environment = nativeEnvironment(service);
    const env = Object.fromEntries(
      Object.entries(environment).map(([key, value]) => [
        key,
        rewriteAddresses(value, published, name, replicated),
      ]),
    );
    const kind = kindOf(name, service);
    const oneShot = oneShots.has(name);
    const numbered = isReplicated(name, service, options.scale);
    const limits = resourceLimitsOf(name, service);
    const plans = (replicaPorts.get(name) ?? []).map((ports, index) => {
      const instance = numbered ? `${name}.${index + 1}` : name;
      const planned = kind.plan({
        name,
        instance,
        service,
        stateDir: stage.stateDir,
        root: stage.root,
        composeDir,
        mounts: mountsOf(service, composeDir),
        nodePath: options.nodePath ?? process.execPath,
        ports,
        published,
        replicaPorts,
        env,
        oneShot,
      });
      const cpuset = cpusetOf(service, options.cpusets?.[name], index);
      const plannedInstance: PlannedInstance = {
        name: instance,
        argv: cpuset === null ? planned.argv : ['taskset', '-c', cpuset, ...planned.argv],
        env: planned.env,
        cpuset,
        ports,
        probe: planned.probe,
        ...(planned.setup ? { setup: planned.setup } : {}),
      };
      return { planned, instance: plannedInstance };
    });
    const first = plans[0];
    const template = first?.instance;
    return {
      name,
      kind: kind.name,
      oneShot,
      profiles: service.profiles ?? [],
      instances: plans.map((plan) => plan.instance),
      argv: template?.argv ?? [],
      env: template?.env ?? env,
      probe: template?.probe ?? { type: 'started' },
      ...(template?.setup ? { setup: template.setup } : {}),
      cwd: first?.planned.cwd ?? stage.root,
      cpuset: service.cpuset ?? null,
      ports: parsePorts(name, service).map((port) =>
        port.host === defaultHttpPort ? { ...port, host: httpPort } : port,
      ),
      dependsOn: dependencies.get(name) ?? [],
      stopSignal:
        (service.stop_signal as NodeJS.Signals | undefined) ?? first?.planned.stopSignal ?? 'SIGTERM',
      stopTimeoutMs: durationMs(service.stop_grace_period) ?? 10_000,
      restart: parseRestartPolicy(name, service.restart),
      ...(hasLimits(limits) ? { limits } : {}),
      ...(first?.planned.postgres ? { postgres: first.planned.postgres } : {}),
      ...(first?.planned.standby ? { standby: first.planned.standby } : {}),
      ...(first?.planned.requires ? { requires: first.planned.requires } : {}),
      ...(first?.planned.reloadSignal ? { reloadSignal: first.planned.reloadSignal } : {}),
    };
  });
  return { stage, services, httpPort };
}

/**
 * Where each instance listens natively. A service that publishes ports runs one process on them (8080 moves with
 * the HTTP port). A service that only `expose`s its port listens on `x-native-port` (a data service reachable on
 * the compose network only), or, as an app behind a balancer, replica i takes the port `x-native-port-base`
 * (default: the HTTP port) + i, since natively every replica shares one host. The metrics port (9464) is not one of
 * these: planStack adds each instance's own (metrics-ports.ts).
 */
function instancePorts(
  name: string,
  service: ComposeService,
  replicas: number,
  httpPort: number,
): PortMapping[][] {
  const published = parsePorts(name, service).map((port) =>
    port.host === defaultHttpPort ? { ...port, host: httpPort } : port,
  );
  const exposed = (service.expose ?? [])
    .map((port) => Number(String(port).replace(/\/(tcp|udp)$/, '')))
    .filter((port) => port !== metricsContainerPort);
  const fixed = service['x-native-port'];
  const perPort = service['x-native-ports'];
  if (perPort !== undefined)
    return [[...published, ...nativePortsOf(name, exposed, perPort, replicas, fixed)]];
  if (published.length > 0) {
    if (replicas > 1) {
      throw new Error(
        `Service "${name}" runs ${replicas} replicas and publishes a host port, which only one process can hold: publish the port on a balancer in front of it and give "${name}" expose: ["<port>"] instead.`,
      );
    }
    // A published entry point may also listen on one port for the compose network only (nginx's stub_status).
    const internal =
      fixed !== undefined && exposed.length === 1 ? [{ container: exposed[0] as number, host: fixed }] : [];
    return [[...published, ...internal]];
  }
  if (exposed.length > 1) {
    throw new Error(
      `Service "${name}" exposes ${exposed.length} ports; natively a service without published ports may expose one.`,
    );
  }
  if (fixed !== undefined) {
    if (replicas > 1) {
      throw new Error(
        `Service "${name}" runs ${replicas} replicas but sets x-native-port, which only one process can hold: use x-native-port-base for replicas.`,
      );
    }
    if (exposed.length !== 1) {
      throw new Error(
        `Service "${name}" sets x-native-port ${fixed}: give it the one port it listens on, e.g. expose: ["5432"].`,
      );
    }
    return [[{ container: exposed[0] as number, host: fixed }]];
  }
  const base = service['x-native-port-base'] ?? httpPort;
  return Array.from({ length: replicas }, (_, index) =>
    exposed.map((container) => ({ container, host: base + index + 1 })),
  );
}

/** `x-native-ports`: one host port per exposed container port, every one named, for a single process. */
function nativePortsOf(
  name: string,
  exposed: number[],
  perPort: Record<string, number>,
  replicas: number,
  fixed: number | undefined,
): PortMapping[] {
  if (replicas > 1 || fixed !== undefined) {
    throw new Error(
      `Service "${name}" sets x-native-ports, which only one process can hold and which replaces x-native-port: keep one of them, and no replicas.`,
    );
  }
  const unexposed = Object.keys(perPort).filter((container) => !exposed.includes(Number(container)));
  if (unexposed.length > 0) {
    throw new Error(
      `Service "${name}" maps ${unexposed.join(', ')} in x-native-ports but does not expose it: add it to expose.`,
    );
  }
  return exposed.map((container) => {
    const host = perPort[String(container)];
    if (!Number.isInteger(host)) {
      throw new Error(
        `Service "${name}" exposes ${container} without a native port: add "${container}": <host port> to its x-native-ports.`,
      );
    }
    return { container, host: host as number };
  });
}

function assertDistinctPorts(replicaPorts: Map<string, PortMapping[][]>): void {
  const owners = new Map<number, string>();
  for (const [name, instances] of replicaPorts) {
    for (const port of instances.flat()) {
      const owner = owners.get(port.host);
      if (owner && owner !== name) {
        throw new Error(
          `Services "${owner}" and "${name}" would both listen on port ${port.host} natively: set x-native-port-base on one of them.`,
        );
      }
      owners.set(port.host, name);
    }
  }
}

function cpusetOf(service: ComposeService, override: string[] | undefined, index: number): string | null {
  const perReplica = override ?? service['x-native-cpusets'];
  if (perReplica && perReplica.length > 0) return String(perReplica[index % perReplica.length]);
  return service.cpuset ?? null;
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

/**
 * Instances are numbered (`app.1`, as Docker names `<project>-app-1`) when the service can have replicas: the compose
 * file or the run settings give it a count. Scaling to one then keeps `app.1` running instead of renaming it `app`.
 */
function isReplicated(
  name: string,
  service: ComposeService,
  scale: Record<string, number> | undefined,
): boolean {
  return scale?.[name] !== undefined || service.deploy?.replicas !== undefined || service.scale !== undefined;
}

function replicasOf(
  name: string,
  service: ComposeService,
  scale: Record<string, number> | undefined,
): number {
  const replicas = Number(scale?.[name] ?? service.deploy?.replicas ?? service.scale ?? 1);
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
