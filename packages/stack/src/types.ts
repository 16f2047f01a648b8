import type { ComposeService, DependencyCondition } from './compose.ts';
import type { PortMapping } from './ports.ts';
import type { PostgresCluster } from './postgres.ts';
import type { RestartPolicy } from './restart-policy.ts';
import type { Mount } from './volumes.ts';

/** How `up` decides a service is ready before starting the services that depend on it. */
export type ReadinessProbe =
  | { type: 'postgres'; cluster: PostgresCluster }
  /** A real query over the Postgres protocol, e.g. through PgBouncer. */
  | { type: 'query'; url: string }
  | { type: 'http'; url: string }
  | { type: 'tcp'; port: number }
  | { type: 'exit' }
  | { type: 'started' };

export interface PlannedService {
  name: string;
  kind: string;
  /** Runs to completion (others wait for `service_completed_successfully`), instead of staying up. */
  oneShot: boolean;
  /** One process per instance: `app` alone, or `app.1`, `app.2`, ... with replicas. */
  instances: string[];
  argv: string[];
  cwd: string;
  /** The compose environment with `<service>:<port>` addresses rewritten to 127.0.0.1 and published ports. */
  env: Record<string, string>;
  cpuset: string | null;
  ports: PortMapping[];
  probe: ReadinessProbe;
  dependsOn: { service: string; condition: DependencyCondition }[];
  stopSignal: NodeJS.Signals;
  stopTimeoutMs: number;
  /** The instance's private folder (generated configuration, pid file, sockets), written before each start. */
  setup?: InstanceSetup;
  /** A program that must be installed, with what to do when it is not. */
  requires?: RequiredProgram;
  /** What the supervisor does when the process exits on its own (compose `restart`, default "no"). */
  restart: RestartPolicy;
  /** Kind-specific set-up before the first start (e.g. initdb). */
  postgres?: PostgresCluster;
}

export interface InstanceSetup {
  directory: string;
  /** File name to content, written into `directory`. */
  files: Record<string, string>;
  /** The process runs as the unprivileged service account, which must own the folder. */
  unprivileged: boolean;
}

export interface RequiredProgram {
  path: string;
  install: string;
}

export interface PlanContext {
  name: string;
  service: ComposeService;
  stateDir: string;
  root: string;
  /** The compose file's folder: relative bind mounts start here. */
  composeDir: string;
  mounts: Mount[];
  nodePath: string;
  ports: PortMapping[];
  /** Every service's published ports, to map `<service>:<port>` found in mounted configuration. */
  published: Map<string, PortMapping[]>;
  /** The compose environment, addresses already rewritten. */
  env: Record<string, string>;
  oneShot: boolean;
}

/** What a kind decides; the planner adds what is common (taskset, order, instances, stop timeout). */
export interface KindPlan {
  argv: string[];
  env: Record<string, string>;
  probe: ReadinessProbe;
  stopSignal: NodeJS.Signals;
  postgres?: PostgresCluster;
  setup?: InstanceSetup;
  requires?: RequiredProgram;
}

/** A native launcher for one family of compose services (chosen by image prefix, or `build:` for our node apps). */
export interface ServiceKind {
  name: string;
  matches(service: ComposeService): boolean;
  plan(context: PlanContext): KindPlan;
}
