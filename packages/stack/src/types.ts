import type { ComposeService, DependencyCondition } from './compose.ts';
import type { PortMapping } from './ports.ts';
import type { PostgresCluster } from './postgres.ts';
import type { RestartPolicy } from './restart-policy.ts';

/** How `up` decides a service is ready before starting the services that depend on it. */
export type ReadinessProbe =
  | { type: 'postgres'; cluster: PostgresCluster }
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
  /** What the supervisor does when the process exits on its own (compose `restart`, default "no"). */
  restart: RestartPolicy;
  /** Kind-specific set-up before the first start (e.g. initdb). */
  postgres?: PostgresCluster;
}

export interface PlanContext {
  name: string;
  service: ComposeService;
  stateDir: string;
  root: string;
  nodePath: string;
  ports: PortMapping[];
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
}

/** A native launcher for one family of compose services (chosen by image prefix, or `build:` for our node apps). */
export interface ServiceKind {
  name: string;
  matches(service: ComposeService): boolean;
  plan(context: PlanContext): KindPlan;
}
