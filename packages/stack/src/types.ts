import type { ComposeService, DependencyCondition } from './compose.ts';
import type { PortMapping } from './ports.ts';
import type { PostgresCluster } from './postgres.ts';
import type { ResourceLimits } from './resources.ts';
import type { RestartPolicy } from './restart-policy.ts';
import type { PrimarySource } from './standby.ts';
import type { Mount } from './volumes.ts';

/** How `up` decides a service is ready before starting the services that depend on it. */
export type ReadinessProbe =
  | { type: 'postgres'; cluster: PostgresCluster }
  /** A real query over the Postgres protocol, e.g. through PgBouncer. */
  | { type: 'query'; url: string }
  /** A 2xx answer, or with `anyStatus` any answer at all (a cache in front of an origin that may still fail). */
  | { type: 'http'; url: string; anyStatus?: boolean }
  /** PING answered with PONG (after AUTH when the server has a password). */
  | { type: 'redis'; port: number; password?: string }
  /** A Kafka broker answering a Metadata request that lists at least one broker (registered and unfenced). */
  | { type: 'kafka'; port: number }
  | { type: 'tcp'; port: number }
  | { type: 'exit' }
  | { type: 'started' };

/** One process of a service: `app` alone, or `app.1`, `app.2`, ... with replicas. */
export interface PlannedInstance {
  name: string;
  argv: string[];
  /** The compose environment with `<service>:<port>` addresses rewritten, plus what the kind sets for this instance. */
  env: Record<string, string>;
  /** The compose cpuset, or this replica's entry of `x-native-cpusets` / the `cpusets` option. */
  cpuset: string | null;
  /** Where this process listens on 127.0.0.1: the published ports, or a port of its own per replica. */
  ports: PortMapping[];
  probe: ReadinessProbe;
  /** The instance's private folder (generated configuration, pid file, sockets), written before each start. */
  setup?: InstanceSetup;
}

export interface PlannedService {
  name: string;
  kind: string;
  /** Runs to completion (others wait for `service_completed_successfully`), instead of staying up. */
  oneShot: boolean;
  /** The compose `profiles`: empty for a service `up` always starts. */
  profiles: string[];
  instances: PlannedInstance[];
  /** The first instance's command, environment, probe and set-up (replicas differ in ports, names and cpusets). */
  argv: string[];
  env: Record<string, string>;
  probe: ReadinessProbe;
  setup?: InstanceSetup;
  /** The repository root (as the image's WORKDIR), or a folder of the state for servers run as the service account. */
  cwd: string;
  /** The compose `cpuset` of the service. */
  cpuset: string | null;
  /** The compose `ports`, as published on the host. */
  ports: PortMapping[];
  dependsOn: { service: string; condition: DependencyCondition }[];
  stopSignal: NodeJS.Signals;
  stopTimeoutMs: number;
  /** A program that must be installed, with what to do when it is not. */
  requires?: RequiredProgram;
  /** Makes the running server read its regenerated configuration (e.g. after a scale change), if it can. */
  reloadSignal?: NodeJS.Signals;
  /** What the supervisor does when the process exits on its own (compose `restart`, default "no"). */
  restart: RestartPolicy;
  /** Compose `cpus` and `mem_limit` (or `deploy.resources.limits`): each instance runs in a cgroup of its own with them. */
  limits?: ResourceLimits;
  /** Kind-specific set-up before the first start (e.g. initdb). */
  postgres?: PostgresCluster;
  /** A hot standby's data directory, copied from its primary before the first start (pg_basebackup -R). */
  standby?: StandbySetup;
}

export interface StandbySetup {
  dataDir: string;
  primary: PrimarySource;
}

export interface InstanceSetup {
  directory: string;
  /** File name to content, written into `directory`. */
  files: Record<string, string>;
  /** The process runs as the unprivileged service account, which must own the folder (and its log). */
  unprivileged: boolean;
}

export interface RequiredProgram {
  path: string;
  install: string;
}

export interface PlanContext {
  name: string;
  /** This instance: the service's name, or `<name>.<n>` for a replica. */
  instance: string;
  service: ComposeService;
  stateDir: string;
  root: string;
  /** The compose file's folder: relative bind mounts start here. */
  composeDir: string;
  mounts: Mount[];
  nodePath: string;
  /** Where this instance listens natively. */
  ports: PortMapping[];
  /** The ports of every single-instance service, to map `<service>:<port>` found in mounted configuration. */
  published: Map<string, PortMapping[]>;
  /** Every service's instances' ports, in replica order: what a balancer's upstream expands to. */
  replicaPorts: Map<string, PortMapping[][]>;
  /** The compose environment, addresses already rewritten. */
  env: Record<string, string>;
  oneShot: boolean;
}

/** What a kind decides for one instance; the planner adds what is common (taskset, order, instances, stop timeout). */
export interface KindPlan {
  argv: string[];
  /** The working folder, when the repository root will not do (a server run as an account that cannot enter it). */
  cwd?: string;
  env: Record<string, string>;
  probe: ReadinessProbe;
  stopSignal: NodeJS.Signals;
  postgres?: PostgresCluster;
  standby?: StandbySetup;
  setup?: InstanceSetup;
  requires?: RequiredProgram;
  reloadSignal?: NodeJS.Signals;
}

/** A native launcher for one family of compose services (chosen by image prefix, or `build:` for our node apps). */
export interface ServiceKind {
  name: string;
  matches(service: ComposeService): boolean;
  plan(context: PlanContext): KindPlan;
}
