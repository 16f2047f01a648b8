import { readHeavy } from '@scaling/loadtests/scenarios/read-heavy';
import { defineExperiment } from '../experiment.ts';
import { loadProgress } from '../live-progress.ts';
import { failedRequests } from '../load-summary.ts';
import { type OpenLoadResult, type RequestOutcome, runOpenLoad } from '../open-load.ts';
import {
  nginxActiveConnections,
  processCpu,
  redisCommandRate,
  requestP95,
  requestRate,
  serverErrorRate,
} from '../server-series.ts';
import { markdownTable } from '../table.ts';
import { type ClassCounts, countByClass, isAuthenticated } from '../timeline-by-class.ts';

const requestsPerSecond = 100;

export interface ReplicaShare {
  requests: number;
  withToken: number;
  unauthorized: number;
}

export interface SessionsSide {
  requestsPerSecond: number;
  load: OpenLoadResult;
  anonymous: ClassCounts;
  authenticated: ClassCounts;
  /** Logged-in users (tokens) of the run, and how many of them got at least one 401. */
  users: number;
  usersRejected: number;
  /** Requests answered per replica (X-Served-By). */
  replicas: Record<string, ReplicaShare>;
  /** Per token (its index among the logged-in users): the replicas that answered it, with counts. */
  tokenReplicas: Record<string, number>[];
}

export const sessionsBehindBalancer = defineExperiment<SessionsSide>({
  name: 'sessions-behind-balancer',
  title: 'Sessions behind a balancer: in memory, in Redis, or pinned to a replica by a hash',
  description:
    `The read-heavy mix at ${requestsPerSecond} req/s (open model) through nginx to 3 replicas; logged-in users send ` +
    "their token on every feed and write and on about half of the reads. In-memory sessions (stage 2's app, " +
    "`SESSION_STORE=memory`) live in the replica that served the login, so round robin sends most of a user's " +
    'requests to replicas that never heard of the token. Redis sessions are shared by every replica. Two sticky ' +
    'variants keep in-memory sessions and pin requests instead: hashing the Authorization header sends one token ' +
    'to one replica, but the login that creates the session carries no token and is balanced round robin, so the ' +
    "session is made wherever the login lands while the token's hash picks its replica independently; hashing the " +
    "client's address pins the login too, but every client behind one address (here the one load generator) shares " +
    'one replica. The users log in through nginx just before each run, as a client would.',
  scale: 1,
  serverSeries: [
    requestRate,
    serverErrorRate,
    requestP95,
    redisCommandRate,
    nginxActiveConnections,
    processCpu,
  ],
  columns: [
    { label: 'memory sessions, round robin', stage: 3, boot: { variant: 'memory-sessions' } },
    { label: 'Redis sessions, round robin', stage: 3 },
    { label: 'memory sessions, sticky (hash on token)', stage: 3, boot: { variant: 'sticky' } },
    { label: 'memory sessions, sticky (hash on client address)', stage: 3, boot: { variant: 'sticky-ip' } },
  ],
  async run({ session, seconds, output, fixtures, settings }) {
    const durationSeconds = seconds(30, 10);
    output(`${requestsPerSecond} req/s for ${durationSeconds} s through nginx (open model)...`);
    const outcomes: RequestOutcome[] = [];
    const load = await runOpenLoad({
      baseUrl: session.baseUrl,
      name: readHeavy.name,
      requests: readHeavy.requests,
      fixtures,
      requestsPerSecond,
      durationSeconds,
      onOutcome: (outcome) => outcomes.push(outcome),
      onProgress: loadProgress(session.label),
      signal: settings.signal,
    });
    const side = summarizeSessions(outcomes, fixtures.tokens, load, requestsPerSecond);
    output(
      `${side.authenticated['401']} of ${total(side.authenticated)} requests with a token got 401; ` +
        `${side.usersRejected} of ${side.users} users were refused at least once.`,
    );
    return side;
  },
  compare(results, labels) {
    const row = (label: string, pick: (side: SessionsSide) => number, decimals = 0) => ({
      label,
      values: results.map(pick),
      decimals,
    });
    return {
      rows: [
        row('requests with a token that failed, %', failedWithTokenPercent, 1),
        row('requests with a token answered 401', (side) => side.authenticated['401']),
        row('requests with a token', (side) => total(side.authenticated)),
        row('logged-in users refused at least once', (side) => side.usersRejected),
        row('logged-in users whose requests all reached one replica', pinnedUsers),
        row('anonymous requests that failed', (side) => total(side.anonymous) - side.anonymous.ok),
        row("busiest replica's share of the requests, %", busiestSharePercent, 1),
        row('p95 ms', (side) => side.load.latencyMs.p95, 1),
        row('p99 ms', (side) => side.load.latencyMs.p99, 1),
        row('failed requests (no answer or 5xx)', (side) => failedRequests(side.load)),
      ],
      panel: {
        title: 'Sessions behind the balancer: refused logged-in requests, and load on the busiest replica',
        unit: '%',
        groups: [
          { label: 'requests with a token that failed', values: results.map(failedWithTokenPercent) },
          { label: "busiest replica's share of requests", values: results.map(busiestSharePercent) },
        ],
      },
      details: results
        .flatMap((side, index) => [
          `${labels[index]}: requests per replica (X-Served-By), and which replica each logged-in user reached`,
          '',
          renderReplicaTable(side),
          '',
          renderTokenTable(side),
          '',
        ])
        .join('\n'),
    };
  },
});

/** Users whose every answered request came from the same replica: what sticky balancing promises. */
function pinnedUsers(side: SessionsSide): number {
  return side.tokenReplicas.filter((reached) => Object.keys(reached).length === 1).length;
}

function total(counts: ClassCounts): number {
  return Object.values(counts).reduce((sum, count) => sum + count, 0);
}

function failedWithTokenPercent(side: SessionsSide): number {
  const withToken = total(side.authenticated);
  return withToken === 0 ? 0 : (100 * (withToken - side.authenticated.ok)) / withToken;
}

function busiestSharePercent(side: SessionsSide): number {
  const counts = Object.values(side.replicas).map((replica) => replica.requests);
  const all = counts.reduce((sum, count) => sum + count, 0);
  return all === 0 ? 0 : (100 * Math.max(...counts)) / all;
}

/** The figures of one run: status classes with and without a token, and who served whom. */
export function summarizeSessions(
  outcomes: RequestOutcome[],
  tokens: string[],
  load: OpenLoadResult,
  rate: number,
): SessionsSide {
  const replicas: Record<string, ReplicaShare> = {};
  const tokenReplicas: Record<string, number>[] = tokens.map(() => ({}));
  const rejected = new Set<number>();
  for (const outcome of outcomes) {
    const tokenIndex = isAuthenticated(outcome)
      ? tokens.indexOf((outcome.request.headers.authorization ?? '').replace(/^Token /, ''))
      : -1;
    if (outcome.status === 401 && tokenIndex >= 0) rejected.add(tokenIndex);
    if (outcome.servedBy === undefined) continue;
    const replica = replicas[outcome.servedBy] ?? { requests: 0, withToken: 0, unauthorized: 0 };
    replicas[outcome.servedBy] = replica;
    replica.requests++;
    if (tokenIndex >= 0) {
      replica.withToken++;
      const reached = tokenReplicas[tokenIndex] as Record<string, number>;
      reached[outcome.servedBy] = (reached[outcome.servedBy] ?? 0) + 1;
    }
    if (outcome.status === 401) replica.unauthorized++;
  }
  return {
    requestsPerSecond: rate,
    load,
    ...countByClass(outcomes),
    users: tokens.length,
    usersRejected: rejected.size,
    replicas: Object.fromEntries(Object.entries(replicas).sort(([a], [b]) => a.localeCompare(b))),
    tokenReplicas,
  };
}

function renderReplicaTable(side: SessionsSide): string {
  const all = Object.values(side.replicas).reduce((sum, replica) => sum + replica.requests, 0);
  return markdownTable(
    ['replica', 'requests', 'share %', 'with a token', '401'],
    Object.entries(side.replicas).map(([name, replica]) => [
      name,
      replica.requests.toLocaleString('en-US'),
      all === 0 ? '0' : ((100 * replica.requests) / all).toFixed(1),
      replica.withToken.toLocaleString('en-US'),
      replica.unauthorized.toLocaleString('en-US'),
    ]),
  );
}

function renderTokenTable(side: SessionsSide): string {
  const replicas = Object.keys(side.replicas);
  return markdownTable(
    ['user', ...replicas.map((replica) => `requests to ${replica}`)],
    side.tokenReplicas.map((reached, index) => [
      `user ${index + 1}`,
      ...replicas.map((replica) => String(reached[replica] ?? 0)),
    ]),
  );
}
