import { Agent } from 'node:http';
import type { RequestTemplate } from '@scaling/loadtests/scenarios/types';
import { mulberry32 } from '@scaling/seed';
import {
  type ArrivalSchedule,
  constantArrivals,
  phasedArrivals,
  type RatePhase,
} from './arrival-schedule.ts';
import { type CacheHeaders, sendRequest } from './http-send.ts';
import { createMix, type Fixtures, type MixOptions, type ResolvedRequest } from './mix.ts';
import { summarizeLatencies } from './percentiles.ts';
import type { LiveProgress, RequestStats, ScenarioResult } from './run-scenario.ts';

/** How fast requests arrive: a fixed rate for a while, or phases whose rate changes (a spike). */
export type ArrivalRate =
  | { requestsPerSecond: number; durationSeconds: number; phases?: never }
  | { phases: RatePhase[]; requestsPerSecond?: never; durationSeconds?: never };

export type OpenLoadOptions = OpenLoadSettings & ArrivalRate;

interface OpenLoadSettings {
  baseUrl: string;
  /** Recorded as the result's scenario name. */
  name: string;
  /** The mix's templates; with `source`, only their names (each request's `name` is counted under its own). */
  requests: RequestTemplate[];
  /** What the mix aims at; unused with `source`. */
  fixtures: Fixtures;
  /** Where each request comes from instead of the weighted mix, e.g. a planned sequence of writes. */
  source?: () => ResolvedRequest;
  /** A request without an answer after this long counts as an error (default `openLoadTimeoutMs`). */
  timeoutMs?: number;
  /** Arrivals beyond this many requests in flight are not sent and count as errors ("dropped"). */
  maxInFlight?: number;
  randomSeed?: number;
  /** Idempotency keys on the writes sent with POST (see `createMix`). */
  mix?: MixOptions;
  onProgress?: (progress: LiveProgress) => void;
  /** Every finished request, in completion order: timelines are built from these. */
  onOutcome?: (outcome: RequestOutcome) => void;
  signal?: AbortSignal;
}

export interface RequestOutcome {
  name: string;
  /** What was sent: a failed write can be sent again exactly (same Idempotency-Key, same body). */
  request: ResolvedRequest;
  /** When the request was due, in ms since the run started. */
  scheduledAtMs: number;
  /** When it actually went out, in ms since the run started; undefined when it was dropped. */
  sentAtMs: number | undefined;
  /** From when it was due to its answer (or failure), so a stalled server cannot hide its queue. */
  latencyMs: number;
  /** The HTTP status, or undefined when no answer came. */
  status: number | undefined;
  /** Why no answer came (e.g. ECONNREFUSED, a timeout). */
  error: string | undefined;
  /** The replica that answered (X-Served-By), when the stage names them. */
  servedBy: string | undefined;
  /** Which caches answered (X-Cache, X-Edge-Cache); both undefined when the request was dropped or failed. */
  cache?: CacheHeaders;
}

export interface OpenLoadResult extends ScenarioResult {
  /** Requests without an HTTP answer, grouped by reason. */
  errorsByMessage: Record<string, number>;
  /** How late this process sent requests (p99, ms): a busy load generator shows here, not as server latency. */
  sendLagP99Ms: number;
}

const droppedMessage = 'dropped: too many requests in flight';

/** How long an open-model request may go unanswered before it counts as an error, unless the caller says. */
export const openLoadTimeoutMs = 10_000;

/**
 * A true open model: requests are sent at a fixed arrival rate whatever the server does, and latency counts from
 * when each request was due. Unlike autocannon's rate limit, a server that stalls for a second cannot slow the
 * arrivals down and so hide its queue (coordinated omission).
 */
export async function runOpenLoad(options: OpenLoadOptions): Promise<OpenLoadResult> {
  const timeoutMs = options.timeoutMs ?? openLoadTimeoutMs;
  const maxInFlight = options.maxInFlight ?? 512;
  const schedule: ArrivalSchedule = options.phases
    ? phasedArrivals(options.phases)
    : constantArrivals(options.requestsPerSecond, options.durationSeconds);
  const { total } = schedule;
  const plannedSeconds = schedule.durationMs / 1000;
  const nextRequest =
    options.source ??
    (() => {
      const mix = createMix(
        options.requests,
        options.fixtures,
        mulberry32(options.randomSeed ?? 1),
        options.mix,
      );
      return () => mix.next();
    })();
  const agent = new Agent({ keepAlive: true, maxSockets: maxInFlight });
  const target = new URL(options.baseUrl);

  const latencies: number[] = [];
  const sendLags: number[] = [];
  const statusCodes: Record<string, number> = {};
  const errorsByMessage: Record<string, number> = {};
  const byRequest: Record<string, RequestStats> = Object.fromEntries(
    options.requests.map((template) => [template.name, { requests: 0, non2xx: 0 }]),
  );
  let answered = 0;
  let errors = 0;
  let timeouts = 0;
  let non2xx = 0;
  let inFlight = 0;
  let sent = 0;

  const startedAt = performance.now();
  const elapsedMs = () => performance.now() - startedAt;

  const record = (outcome: RequestOutcome) => {
    if (outcome.status === undefined) {
      errors++;
      const message = outcome.error ?? 'unknown error';
      errorsByMessage[message] = (errorsByMessage[message] ?? 0) + 1;
      if (message.startsWith('timeout')) timeouts++;
    } else {
      answered++;
      latencies.push(outcome.latencyMs);
      statusCodes[outcome.status] = (statusCodes[outcome.status] ?? 0) + 1;
      const stats = byRequest[outcome.name];
      if (stats) stats.requests++;
      if (outcome.status < 200 || outcome.status >= 300) {
        non2xx++;
        if (stats) stats.non2xx++;
      }
    }
    options.onOutcome?.(outcome);
  };

  const send = async (next: ResolvedRequest, scheduledAtMs: number, sentAtMs: number) => {
    const answer = await sendRequest(agent, target, next, timeoutMs);
    inFlight--;
    record({
      name: next.name,
      request: next,
      scheduledAtMs,
      sentAtMs,
      latencyMs: elapsedMs() - scheduledAtMs,
      status: answer.status,
      error: answer.error,
      servedBy: answer.servedBy,
      cache: answer.cache,
    });
  };

  const pending = new Set<Promise<void>>();
  const tickMs = 1000 / schedule.peakRequestsPerSecond / 2;
  const dispatchDue = () => {
    const now = elapsedMs();
    while (sent < total && schedule.dueAtMs(sent) <= now) {
      const scheduledAtMs = schedule.dueAtMs(sent);
      sent++;
      const next = nextRequest();
      if (inFlight >= maxInFlight) {
        record({
          name: next.name,
          request: next,
          scheduledAtMs,
          sentAtMs: undefined,
          latencyMs: 0,
          status: undefined,
          error: droppedMessage,
          servedBy: undefined,
        });
        continue;
      }
      inFlight++;
      sendLags.push(now - scheduledAtMs);
      const execution = send(next, scheduledAtMs, now).finally(() => pending.delete(execution));
      pending.add(execution);
    }
  };

  const ticker = setInterval(() => {
    options.onProgress?.({
      elapsedSeconds: elapsedMs() / 1000,
      durationSeconds: options.durationSeconds ?? plannedSeconds,
      requests: answered,
      errors,
      non2xx,
    });
  }, 1000);
  try {
    while (sent < total && !options.signal?.aborted) {
      dispatchDue();
      // A short tick keeps arrivals evenly spaced without busy-waiting.
      await new Promise((resolve) => setTimeout(resolve, Math.max(1, Math.min(10, tickMs))));
    }
    await Promise.all(pending);
  } finally {
    clearInterval(ticker);
    agent.destroy();
  }
  // The arrival window, not the drain after it: the rate is what was offered.
  const durationSeconds = (sent < total ? schedule.dueAtMs(sent) : schedule.durationMs) / 1000;
  return {
    scenario: options.name,
    model: 'open',
    connections: maxInFlight,
    // A phased load's is its mean: what it offered over its whole course.
    requestsPerSecondTarget: options.requestsPerSecond ?? (plannedSeconds > 0 ? total / plannedSeconds : 0),
    durationSeconds,
    requests: answered,
    requestsPerSecond: durationSeconds > 0 ? answered / durationSeconds : 0,
    latencyMs: summarizeLatencies(latencies),
    errors,
    timeouts,
    non2xx,
    statusCodes,
    byRequest,
    errorsByMessage,
    sendLagP99Ms: summarizeLatencies(sendLags).p99,
  };
}
