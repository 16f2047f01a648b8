import { check, fail, sleep } from 'k6';
import exec from 'k6/execution';
import http, { type RefinedResponse, type ResponseType } from 'k6/http';
import { Counter, Rate } from 'k6/metrics';
import type { Options } from 'k6/options';
import type { Fixtures as Targets } from '../scenarios/fixtures.ts';
import {
  createRequestPicker,
  idempotencyKey,
  type PlaceholderValues,
  prepareRequest,
} from '../scenarios/requests.ts';
import type { Scenario } from '../scenarios/types.ts';

/** What the requests are aimed at, found through the API in setup() so the script works against any seeded stage. */
export interface Fixtures extends Targets {
  baseUrl: string;
  /** New for every run: the API keeps an Idempotency-Key for a day, so keys must not repeat across runs. */
  runId: string;
}

interface ArticleList {
  articles: { slug: string; author: { username: string } }[];
}

const words = [
  'scaling',
  'postgres',
  'pooling',
  'latency',
  'cache',
  'queue',
  'replica',
  'worker',
  'shard',
  'region',
];

export const baseUrl = (__ENV.BASE_URL ?? 'http://127.0.0.1:8080').replace(/\/$/, '');

/** Behind a balancer (stage 3 on): how the requests spread over the replicas, by their X-Served-By header. */
const servedBy = new Counter('served_by');
/** Requests that carried a token and got 401: a session the replica that answered did not know. */
const rejectedSessions = new Rate('rejected_sessions');
/** A write that failed (no answer or 5xx) is sent again with its key this many times at most, a second apart. */
const writeAttempts = 3;

/** k6 options from a shared scenario: its model, size and thresholds; RATE, VUS and DURATION override them. */
export function optionsFor(scenario: Scenario): Options {
  const duration = `${Number(__ENV.DURATION ?? scenario.durationSeconds)}s`;
  const thresholds = scenario.thresholds ?? { p95Ms: 500, maxErrorRate: 0.01 };
  // Only the scenario's own requests count, not the set-up ones.
  const tag = `{scenario:${scenario.name}}`;
  return {
    scenarios: {
      [scenario.name]:
        scenario.model === 'open'
          ? {
              // An open model: arrivals keep their rate however slowly the server answers.
              executor: 'constant-arrival-rate',
              rate: Number(__ENV.RATE ?? scenario.requestsPerSecond),
              timeUnit: '1s',
              duration,
              preAllocatedVUs: scenario.connections,
              maxVUs: scenario.connections * 4,
            }
          : { executor: 'constant-vus', vus: Number(__ENV.VUS ?? scenario.connections), duration },
    },
    thresholds: {
      [`http_req_duration${tag}`]: [`p(95)<${Number(__ENV.P95_MS ?? thresholds.p95Ms)}`],
      [`http_req_failed${tag}`]: [`rate<${thresholds.maxErrorRate}`],
      // A logged-in user must never be logged out by where the balancer sends a request.
      rejected_sessions: ['rate<0.001'],
    },
  };
}

/** Reads the newest articles, their authors and the tags, and registers a few users of its own for the tokens. */
export function discoverFixtures(users = 8): Fixtures {
  const tags = (http.get(`${baseUrl}/api/tags`).json('tags') ?? []) as string[];
  const slugs: string[] = [];
  const usernames = new Set<string>();
  for (let offset = 0; offset < 500; offset += 100) {
    const page = http
      .get(`${baseUrl}/api/articles?limit=100&offset=${offset}`)
      .json() as unknown as ArticleList;
    for (const article of page.articles ?? []) {
      slugs.push(article.slug);
      usernames.add(article.author.username);
    }
  }
  if (slugs.length === 0 || tags.length === 0) {
    fail(`${baseUrl} serves no articles or tags: load data first, e.g. "pnpm seed --scale 1 --reset".`);
  }
  const tokens: string[] = [];
  const emails: string[] = [];
  const password = 'k6-password-123';
  const run = Date.now().toString(36);
  for (let i = 0; i < users; i++) {
    const name = `k6-${run}-${i}`;
    const email = `${name}@k6.example`;
    const response = http.post(
      `${baseUrl}/api/users`,
      JSON.stringify({ user: { username: name, email, password } }),
      { headers: { 'content-type': 'application/json' } },
    );
    if (response.status !== 201) fail(`Registering the user ${name} failed with HTTP ${response.status}.`);
    tokens.push(response.json('user.token') as string);
    emails.push(email);
  }
  return { baseUrl, runId: run, tokens, slugs, usernames: [...usernames], tags, emails, password };
}

/** Mostly the first items (the newest articles, the most used tags), sometimes deeper: a rough popularity skew. */
function skewed<T>(items: T[]): T {
  return items[Math.floor(items.length * Math.random() ** 3)] as T;
}

/**
 * One iteration: one request drawn from the scenario's weighted mix, tagged with its name. With the scenario's
 * `idempotencyKeys`, a POST carries a key and, when it fails (no answer or 5xx), is sent again with the same key.
 */
export function iteration(scenario: Scenario): (fixtures: Fixtures) => void {
  const pick = createRequestPicker(scenario.requests);
  return (fixtures) => {
    const values: PlaceholderValues = {
      slug: () => skewed(fixtures.slugs),
      username: () => skewed(fixtures.usernames),
      tag: () => skewed(fixtures.tags),
      offset: () => String(20 * Math.floor(10 * Math.random() ** 2)),
      text: () => Array.from({ length: 8 }, () => skewed(words)).join(' '),
      email: () => skewed(fixtures.emails),
      password: () => fixtures.password,
    };
    const template = pick(Math.random());
    const { path, body, headers } = prepareRequest(
      template,
      values,
      Math.random(),
      () => skewed(fixtures.tokens),
      scenario.idempotencyKeys === true
        ? () => idempotencyKey(`k6-${fixtures.runId}`, exec.scenario.iterationInTest)
        : undefined,
    );
    const withToken = headers.authorization !== undefined;
    const keyed = headers['idempotency-key'] !== undefined;
    const send = () =>
      http.request(template.method, `${fixtures.baseUrl}${path}`, body ?? null, {
        headers,
        tags: { name: template.name },
      });
    let response = send();
    for (let attempt = 1; keyed && attempt < writeAttempts && failed(response); attempt++) {
      sleep(1);
      response = send();
    }
    const replica = response.headers['X-Served-By'];
    if (replica) servedBy.add(1, { replica });
    if (withToken) rejectedSessions.add(response.status === 401);
    check(response, { 'answered without a server error': (r) => !failed(r) });
  };
}

function failed(response: RefinedResponse<ResponseType | undefined>): boolean {
  return response.status === 0 || response.status >= 500;
}
