import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { interpolateDocument, readDotEnv, type Variables } from './interpolate.ts';

/** The part of the Compose specification the native runner reads; the JSON schema test covers the rest. */
export interface ComposeFile {
  name?: string;
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

export type DependencyCondition = 'service_started' | 'service_healthy' | 'service_completed_successfully';

export interface ComposeService {
  image?: string;
  build?: string | { context?: string; dockerfile?: string; args?: Record<string, string> | string[] };
  /** Docker only: natively each kind starts its server itself (a replica's entrypoint script becomes baseBackup). */
  entrypoint?: string | string[] | null;
  command?: string | string[] | null;
  environment?: Record<string, string | number | boolean | null> | string[];
  ports?: (string | number | { target: number | string; published?: number | string })[];
  /** Ports reachable only from the other services (a replicated app behind a balancer). */
  expose?: (string | number)[];
  depends_on?: string[] | Record<string, { condition: DependencyCondition }>;
  healthcheck?: { test?: string | string[]; disable?: boolean | string };
  volumes?: (string | { type: string; source?: string; target?: string })[];
  deploy?: {
    replicas?: number | string;
    resources?: { limits?: { cpus?: number | string; memory?: number | string } };
  } | null;
  scale?: number | string;
  cpuset?: string;
  /** A CPU quota (0.25: a quarter of one CPU per period); natively a cgroup of the instance. */
  cpus?: number | string;
  /** A memory limit ("512m"); natively a cgroup of the instance. */
  mem_limit?: number | string;
  restart?: string | boolean;
  stop_signal?: string;
  stop_grace_period?: string;
  /** Native runs only: merged over `environment` (e.g. the autoscaler acting through the native runner, not Docker). */
  'x-native-environment'?: Record<string, string | number | boolean | null>;
  /** Native runs only: replica i is pinned to entry (i - 1) modulo the list's length, e.g. ["0", "1"]. */
  'x-native-cpusets'?: string[];
  /** Native runs only: replica i of a service that only `expose`s its port listens on this + i (default: the HTTP port). */
  'x-native-port-base'?: number;
  /**
   * Native runs only: the 127.0.0.1 port of a single-instance service that only `expose`s its port (a data service
   * reachable on the compose network only), e.g. 15432 for Postgres' 5432.
   */
  'x-native-port'?: number;
  /**
   * Native runs only: the 127.0.0.1 port of each exposed container port of a single-instance service that listens on
   * several (nginx's 8080 and its stub_status 8081, toxiproxy's proxy and API), e.g. { "8080": 18080, "8081": 18081 }.
   */
  'x-native-ports'?: Record<string, number>;
  /**
   * A `postgres:*` service that is a streaming hot standby of the named Postgres service (kind postgres-replica):
   * natively copied with pg_basebackup -R from that service's native port; under Docker its entrypoint script does it.
   */
  'x-replica-of'?: string;
  /** Started by `up` only when one of these is active (COMPOSE_PROFILES), or when named; see profiles.ts. */
  profiles?: string[];
}

/** Parses a compose file and interpolates `${NAME:-default}` from `variables`, as `docker compose` does. */
export function parseCompose(
  text: string,
  variables: Variables = process.env,
  where = 'The compose file',
): ComposeFile {
  // Compose files share settings through YAML anchors and merge keys (`<<: *app`).
  const document = parse(text, { merge: true }) as ComposeFile | null;
  if (!document || typeof document !== 'object' || !document.services) {
    throw new Error('The compose file defines no services: add a top-level "services:" map.');
  }
  return interpolateDocument(document, variables, where);
}

/** The environment first, then the `.env` file beside the compose file (Compose's order). */
export function loadCompose(file: string, environment: Variables = process.env): ComposeFile {
  const variables = { ...readDotEnv(join(dirname(file), '.env')), ...environment };
  return parseCompose(readFileSync(file, 'utf8'), variables, file);
}
