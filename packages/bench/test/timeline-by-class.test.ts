import { describe, expect, it } from 'vitest';
import {
  bucketByClass,
  bucketByReplica,
  countByClass,
  renderClassTimeline,
  renderReplicaTimeline,
  statusClass,
} from '../src/timeline-by-class.ts';
import { buildOutcome, buildRequest } from './builders.ts';

const withToken = buildRequest({ headers: { authorization: 'Token secret' } });

describe('statusClass', () => {
  it('When answers differ, then a 503 is told apart from other 5xx, and no answer from both', () => {
    expect(statusClass({ status: 204 })).toBe('ok');
    expect(statusClass({ status: 401 })).toBe('401');
    expect(statusClass({ status: 409 })).toBe('other 4xx');
    expect(statusClass({ status: 503 })).toBe('503');
    expect(statusClass({ status: 500 })).toBe('other 5xx');
    expect(statusClass({ status: 502 })).toBe('other 5xx');
    expect(statusClass({ status: undefined })).toBe('no answer');
  });
});

describe('countByClass and bucketByClass', () => {
  const outcomes = [
    buildOutcome({ scheduledAtMs: 100 }),
    buildOutcome({ scheduledAtMs: 200, request: withToken, status: 503 }),
    buildOutcome({ scheduledAtMs: 1_100, request: withToken, status: 200 }),
    buildOutcome({ scheduledAtMs: 1_200, status: undefined, error: 'ECONNRESET' }),
  ];

  it('When requests with and without a token come back, then each side is counted by class', () => {
    const counts = countByClass(outcomes);
    expect(counts.anonymous).toMatchObject({ ok: 1, 'no answer': 1, '503': 0 });
    expect(counts.authenticated).toMatchObject({ ok: 1, '503': 1, '401': 0 });
  });

  it('When bucketed per second, then each request lands in the second it was due, quiet seconds included', () => {
    const buckets = bucketByClass(outcomes, 3);
    expect(buckets).toHaveLength(3);
    expect(buckets[0]?.authenticated['503']).toBe(1);
    expect(buckets[1]?.anonymous['no answer']).toBe(1);
    expect(buckets[2]?.anonymous.ok).toBe(0);
  });

  it('When rendered, then only classes that occurred get a column, besides ok, and marks show', () => {
    const table = renderClassTimeline(bucketByClass(outcomes, 2), { 0: 'redis stopped' }).split('\n');
    expect(table[0]).toBe(
      '| s | anonymous ok | anonymous no answer | with token ok | with token 503 | events        |',
    );
    expect(table[2]).toBe(
      '| 0 |            1 |                   0 |             0 |              1 | redis stopped |',
    );
  });
});

describe('bucketByReplica', () => {
  it('When replicas answer, then each second counts its requests per replica and leaves out unanswered ones', () => {
    const buckets = bucketByReplica(
      [
        buildOutcome({ scheduledAtMs: 10, servedBy: 'app.1' }),
        buildOutcome({ scheduledAtMs: 20, servedBy: 'app.2' }),
        buildOutcome({ scheduledAtMs: 30, servedBy: 'app.1' }),
        buildOutcome({ scheduledAtMs: 1_500, status: 502 }),
      ],
      2,
    );
    expect(buckets).toEqual([
      { second: 0, replicas: { 'app.1': 2, 'app.2': 1 } },
      { second: 1, replicas: {} },
    ]);
    expect(renderReplicaTimeline(buckets).split('\n')[3]).toBe('| 1 |     0 |     0 |        |');
  });
});
