import {
  appDatabaseUrl,
  loadPlan,
  ownerDatabaseUrl,
  type PlannedService,
  type StageInput,
} from '@scaling/stack';

// Where the bench reaches a running stage's inner services natively, read from its plan (so the compose file, its
// variant and STACK_HTTP_PORT decide, not the bench): the origin behind the edge, each app replica and its metrics,
// each Postgres server, the cache Redis.

/** One app replica as the native runner started it. */
export interface AppInstance {
  name: string;
  /** Its own HTTP port, bypassing nginx and the edge. */
  url: string;
  /** Its `GET /metrics` (METRICS_PORT). */
  metricsUrl: string;
  cpuset: string | null;
}

/** A Postgres server of the stage, reached directly (not through PgBouncer) as the cluster's superuser. */
export interface DatabaseServer {
  /** The compose service, e.g. `postgres` or `postgres-replica-1`. */
  name: string;
  role: 'primary' | 'replica';
  url: string;
}

/** Where a single-instance service listens natively for one of its container ports (published or x-native-port). */
function hostPort(service: PlannedService, containerPort: number): number | undefined {
  return service.instances[0]?.ports.find((port) => port.container === containerPort)?.host;
}

/**
 * nginx in front of the replicas: from stage 4 on the edge cache publishes the API's port and nginx sits behind it
 * (natively on its own port); before, nginx is the front door itself.
 */
export function originUrl(stage: StageInput): string {
  const plan = loadPlan(stage);
  const nginx = plan.services.find((service) => service.name === 'nginx');
  const port = nginx ? hostPort(nginx, 8080) : undefined;
  return `http://127.0.0.1:${port ?? plan.httpPort}`;
}

export function appInstances(stage: StageInput, service = 'app'): AppInstance[] {
  const planned = loadPlan(stage).services.find((candidate) => candidate.name === service);
  if (!planned) throw new Error(`The running stage has no service "${service}".`);
  return planned.instances.map((instance) => {
    const port = instance.ports.find((mapping) => mapping.container === 8080)?.host ?? instance.env.PORT;
    return {
      name: instance.name,
      url: `http://127.0.0.1:${port}`,
      metricsUrl: `http://127.0.0.1:${instance.env.METRICS_PORT}/metrics`,
      cpuset: instance.cpuset,
    };
  });
}

/**
 * The primary and every streaming replica (services with `x-replica-of`, the `postgres-replica` kind). A replica is a
 * copy of the primary's cluster, so the same superuser logs in on its own port.
 */
export function databaseServers(stage: StageInput): DatabaseServer[] {
  const plan = loadPlan(stage);
  const primaryUrl = ownerDatabaseUrl(plan);
  const replicas = plan.services.filter((service) => service.kind === 'postgres-replica');
  return [
    { name: 'postgres', role: 'primary' as const, url: primaryUrl },
    ...replicas.map((replica) => {
      const port = hostPort(replica, 5432);
      if (port === undefined) {
        throw new Error(
          `The replica "${replica.name}" has no native port for 5432: give it x-native-port in the compose file.`,
        );
      }
      const url = new URL(primaryUrl);
      url.port = String(port);
      return { name: replica.name, role: 'replica' as const, url: url.toString() };
    }),
  ];
}

/** The cache Redis (service `redis-cache`, stage 4 on) as `redis://:password@127.0.0.1:port`, or undefined. */
export function cacheRedisUrl(stage: StageInput): string | undefined {
  const service = loadPlan(stage).services.find((candidate) => candidate.name === 'redis-cache');
  if (service?.probe.type !== 'redis') return undefined;
  const password = service.probe.password ? `:${encodeURIComponent(service.probe.password)}@` : '';
  return `redis://${password}127.0.0.1:${service.probe.port}`;
}

export function hasService(stage: StageInput, name: string): boolean {
  return loadPlan(stage).services.some((service) => service.name === name);
}

/** The database role the app logs in as (its DATABASE_URL's user): whose statements the bench counts. */
export function appRole(stage: StageInput): string {
  return decodeURIComponent(new URL(appDatabaseUrl(loadPlan(stage), 'app')).username);
}
