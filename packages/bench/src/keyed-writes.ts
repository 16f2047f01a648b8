import { Agent } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { type HttpAnswer, sendRequest } from './http-send.ts';
import type { ResolvedRequest } from './mix.ts';
import type { RequestOutcome } from './open-load.ts';
import { classifyOutcome } from './timeline.ts';

/** A write the client sent again, with the same Idempotency-Key and body, after it failed. */
export interface RetriedWrite {
  request: ResolvedRequest;
  /** The POST's Idempotency-Key; PUT and DELETE are safe to repeat without one. */
  key: string | undefined;
  /** Each retry's answer, in order; the last one is what the client was left with. */
  retries: HttpAnswer[];
}

export function isRead(outcome: Pick<RequestOutcome, 'request'>): boolean {
  return outcome.request.method === 'GET';
}

export function idempotencyKeyOf(request: ResolvedRequest): string | undefined {
  return request.headers['idempotency-key'];
}

/**
 * Requests that were out (sent, not yet answered) at some moment between `fromMs` and `toMs`, e.g. while a kill
 * signal was being sent: the most a crash in that interval can cut off.
 */
export function inFlightDuring(outcomes: RequestOutcome[], fromMs: number, toMs: number): RequestOutcome[] {
  return outcomes.filter(
    (outcome) =>
      outcome.sentAtMs !== undefined &&
      outcome.sentAtMs <= toMs &&
      outcome.scheduledAtMs + outcome.latencyMs >= fromMs,
  );
}

/**
 * Sends every request at once (as a burst of clients would), each on a connection of its own, recording it on the
 * caller's clock (`now`, ms) like the open-model load does.
 */
export async function sendBurst(
  baseUrl: string,
  requests: ResolvedRequest[],
  now: () => number,
  onOutcome: (outcome: RequestOutcome) => void = () => {},
  timeoutMs = 5_000,
): Promise<RequestOutcome[]> {
  const agent = new Agent({ keepAlive: false, maxSockets: requests.length });
  const target = new URL(baseUrl);
  try {
    return await Promise.all(
      requests.map(async (request) => {
        const sentAtMs = now();
        const answer = await sendRequest(agent, target, request, timeoutMs);
        const outcome: RequestOutcome = {
          name: request.name,
          request,
          scheduledAtMs: sentAtMs,
          sentAtMs,
          latencyMs: now() - sentAtMs,
          status: answer.status,
          error: answer.error,
          servedBy: answer.servedBy,
          cache: answer.cache,
        };
        onOutcome(outcome);
        return outcome;
      }),
    );
  } finally {
    agent.destroy();
  }
}

/**
 * What a careful client does with a write that failed (no answer or a 5xx): sends it again with the same key and
 * body, a little later, until it gets an answer that is not a failure or runs out of attempts. The key is what makes
 * this safe for a POST: a write that did happen is replayed or refused (409), never run twice.
 */
export async function retryFailedWrites(
  baseUrl: string,
  failed: ResolvedRequest[],
  options: { attempts?: number; delayMs?: number; timeoutMs?: number } = {},
): Promise<RetriedWrite[]> {
  const attempts = options.attempts ?? 3;
  const delayMs = options.delayMs ?? 1_000;
  const agent = new Agent({ keepAlive: true });
  const target = new URL(baseUrl);
  try {
    return await Promise.all(
      failed.map(async (request) => {
        const key = idempotencyKeyOf(request);
        if (key === undefined && request.method === 'POST') {
          throw new Error(
            `The POST "${request.name}" carries no Idempotency-Key, so retrying it is not safe.`,
          );
        }
        const retries: HttpAnswer[] = [];
        for (let attempt = 0; attempt < attempts; attempt++) {
          await sleep(delayMs);
          const answer = await sendRequest(agent, target, request, options.timeoutMs ?? 5_000);
          retries.push(answer);
          if (classifyOutcome(answer) !== 'failed') break;
        }
        return { request, key, retries };
      }),
    );
  } finally {
    agent.destroy();
  }
}

/** How the retries ended, e.g. { "201 replayed": 2, "409": 3 }. */
export function summarizeRetries(retries: RetriedWrite[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { retries: answers } of retries) {
    const last = answers.at(-1);
    const label =
      last === undefined
        ? 'not retried'
        : last.status === undefined
          ? `no answer (${last.error ?? 'unknown'})`
          : `${last.status}${last.replayed ? ' replayed' : ''}`;
    counts[label] = (counts[label] ?? 0) + 1;
  }
  return counts;
}
