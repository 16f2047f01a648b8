import { describe, expect, it } from 'vitest';
import {
  inFlightDuring,
  type RetriedWrite,
  retryFailedWrites,
  sendBurst,
  summarizeRetries,
} from '../src/keyed-writes.ts';
import type { RequestOutcome } from '../src/open-load.ts';
import { buildOutcome, buildRequest } from './builders.ts';
import { serveDuringTests } from './test-server.ts';

function buildWrite(key: string | undefined, method: 'POST' | 'DELETE' = 'POST') {
  return buildRequest({
    name: 'comment',
    method,
    path: '/api/articles/hot/comments',
    headers: key === undefined ? {} : { 'idempotency-key': key },
    body: method === 'POST' ? '{"comment":{"body":"hello"}}' : undefined,
  });
}

describe('inFlightDuring', () => {
  it('When a kill takes a few ms, then requests out at any moment of it count, unsent and finished ones do not', () => {
    const outcomes = [
      buildOutcome({ scheduledAtMs: 90, sentAtMs: 90, latencyMs: 15 }),
      buildOutcome({ scheduledAtMs: 95, sentAtMs: 103, latencyMs: 30 }),
      buildOutcome({ scheduledAtMs: 50, sentAtMs: 50, latencyMs: 40 }),
      buildOutcome({ scheduledAtMs: 104, sentAtMs: 104, latencyMs: 5 }),
      buildOutcome({ scheduledAtMs: 100, sentAtMs: undefined, latencyMs: 0 }),
    ];
    expect(inFlightDuring(outcomes, 100, 103)).toEqual([outcomes[0], outcomes[1]]);
  });
});

describe('sending writes to a server that answers 502 once per key', () => {
  const seen = new Map<string, number>();

  const server = serveDuringTests((request, response) => {
    request.resume();
    request.on('end', () => {
      const key = String(request.headers['idempotency-key'] ?? request.method);
      const count = (seen.get(key) ?? 0) + 1;
      seen.set(key, count);
      response.setHeader('x-served-by', 'app.9');
      if (count === 1) response.statusCode = 502;
      else {
        response.statusCode = 201;
        response.setHeader('idempotent-replayed', 'true');
      }
      response.end('{}');
    });
  });

  it('When failed writes are retried, then each goes again with its key until it is answered', async () => {
    const retried = await retryFailedWrites(
      server.baseUrl,
      [buildWrite('key-a'), buildWrite(undefined, 'DELETE')],
      {
        delayMs: 5,
      },
    );
    expect(retried.map((write) => write.retries.map((answer) => answer.status))).toEqual([
      [502, 201],
      [502, 201],
    ]);
    expect(retried[0]?.key).toBe('key-a');
    expect(retried[0]?.retries[1]).toMatchObject({ replayed: true, servedBy: 'app.9' });
    expect(summarizeRetries(retried)).toEqual({ '201 replayed': 2 });
  });

  it('When retries keep failing, then they stop after the given attempts', async () => {
    const retried = await retryFailedWrites(server.baseUrl, [buildWrite('key-b')], {
      attempts: 1,
      delayMs: 5,
    });
    expect(summarizeRetries(retried)).toEqual({ '502': 1 });
  });

  it('When a POST carries no key, then retrying it is refused', async () => {
    await expect(retryFailedWrites(server.baseUrl, [buildWrite(undefined)], { delayMs: 5 })).rejects.toThrow(
      /carries no Idempotency-Key/,
    );
  });

  it('When a burst goes out, then every request is recorded on the given clock with who answered it', async () => {
    let clock = 1_000;
    const seenOutcomes: RequestOutcome[] = [];
    const outcomes = await sendBurst(
      server.baseUrl,
      [buildWrite('burst-1'), buildWrite('burst-2')],
      () => clock++,
      (outcome) => seenOutcomes.push(outcome),
    );
    expect(outcomes).toHaveLength(2);
    expect(seenOutcomes).toHaveLength(2);
    for (const outcome of outcomes) {
      expect(outcome).toMatchObject({ status: 502, servedBy: 'app.9', name: 'comment' });
      expect(outcome.sentAtMs).toBeGreaterThanOrEqual(1_000);
      expect(outcome.scheduledAtMs).toBe(outcome.sentAtMs);
    }
  });
});

describe('summarizeRetries', () => {
  it('When a retry got no answer, then the reason is named', () => {
    const retried: RetriedWrite[] = [
      {
        request: buildWrite('k'),
        key: 'k',
        retries: [{ status: undefined, error: 'ECONNREFUSED', servedBy: undefined, replayed: false }],
      },
    ];
    expect(summarizeRetries(retried)).toEqual({ 'no answer (ECONNREFUSED)': 1 });
  });
});
