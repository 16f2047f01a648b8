/**
 * Scenarios are plain data so that the bench harness (autocannon) and the k6 scripts run the same traffic.
 * This file must stay free of Node imports: k6 loads it too.
 */

/**
 * Placeholders a path or body may hold, filled per request by the load generator:
 * {slug} an article slug, Zipf-skewed towards the popular ones; {username} a user, skewed towards the most
 * followed; {tag} a tag, skewed towards the most used; {offset} a page offset in the first pages; {text} prose;
 * {email} the email of one of the load generator's users, and {password} the password they all share.
 */
export type Placeholder = 'slug' | 'username' | 'tag' | 'offset' | 'text' | 'email' | 'password';

export interface RequestTemplate {
  name: string;
  /** Relative frequency inside the mix. */
  weight: number;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Relative to the base URL, e.g. `/api/articles/{slug}`. */
  path: string;
  /** 'optional' sends a token on about half of the requests, like a mix of readers and logged-in users. */
  auth: 'none' | 'optional' | 'required';
  /** A JSON body; string values may hold placeholders. */
  body?: Record<string, unknown>;
  /** A write is expected to change data: the report counts reads and writes apart. */
  write?: boolean;
}

/** Pass/fail limits for a run (k6 `thresholds`): what a healthy stage keeps under this load. */
export interface Thresholds {
  p95Ms: number;
  /** Failed requests (no answer or a status k6 counts as failed) as a share of all, e.g. 0.01. */
  maxErrorRate: number;
}

interface ScenarioBase {
  name: string;
  description: string;
  durationSeconds: number;
  /** Concurrent connections (for 'open', the pool the arrivals are spread over). */
  connections: number;
  requests: RequestTemplate[];
  thresholds?: Thresholds;
  /**
   * Every write sent with POST carries a fresh `Idempotency-Key` header (stage 3 on), so a client may send a failed
   * one again with the same key and body without making a duplicate.
   */
  idempotencyKeys?: boolean;
}

/** Closed model: each connection sends its next request as soon as the previous answer arrives. */
export interface ClosedScenario extends ScenarioBase {
  model: 'closed';
}

/** Open model: requests arrive at a fixed rate whatever the latency (as far as the connection pool allows). */
export interface OpenScenario extends ScenarioBase {
  model: 'open';
  requestsPerSecond: number;
}

export type Scenario = ClosedScenario | OpenScenario;
