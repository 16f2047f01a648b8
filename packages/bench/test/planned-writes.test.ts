import { mulberry32 } from '@scaling/seed';
import { describe, expect, it } from 'vitest';
import { auditNotifications, describeMissing } from '../src/event-audit.ts';
import { type ExpectedNotification, plannedWrites, type WriteWorkload } from '../src/write-workload.ts';
import { buildOutcome } from './builders.ts';

function buildWorkload(overrides: Partial<WriteWorkload> = {}): WriteWorkload {
  const writers = ['ann', 'bob', 'cat'].map((username) => ({
    username,
    email: `${username}@x`,
    token: `t-${username}`,
  }));
  return {
    runId: 'r1',
    writers,
    articles: [
      { slug: 'ann-first', title: 'Ann first', author: 0 },
      { slug: 'bob-first', title: 'Bob first', author: 1 },
    ],
    // ann is followed by bob and cat; bob by cat; cat by nobody.
    followersOf: [[1, 2], [2], []],
    expected: [{ recipient: 'ann', actor: 'bob', title: null }],
    writes: 6,
    ...overrides,
  };
}

function buildNotification(overrides: Partial<ExpectedNotification> = {}): ExpectedNotification {
  return { recipient: 'ann', actor: 'bob', title: 'Ann first', ...overrides };
}

const counted = (notifications: ExpectedNotification[]) => {
  const counts = new Map<string, number>();
  for (const n of notifications) {
    const key = JSON.stringify([n.recipient, n.actor, n.title]);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
};

describe('plannedWrites', () => {
  it('When a write succeeds, then what it owes is owed: the followers of a new article, the author of a comment or favorite, never the actor', () => {
    const writes = plannedWrites(buildWorkload(), mulberry32(3));

    for (let i = 0; i < 300; i++) writes.settle(buildOutcome({ request: writes.next(), status: 201 }));

    const { confirmed } = writes.expected();
    expect(confirmed[0]).toEqual({ recipient: 'ann', actor: 'bob', title: null });
    expect(confirmed.every((n) => n.recipient !== n.actor)).toBe(true);
    const published = confirmed.filter((n) => n.title?.includes(' article '));
    expect(published.length).toBeGreaterThan(0);
    expect(published.every((n) => n.actor !== 'cat')).toBe(true);
    expect(confirmed.filter((n) => n.title === 'Ann first').every((n) => n.recipient === 'ann')).toBe(true);
  });

  it('When a write fails or gets no answer, then it owes nothing for sure, and an unanswered one may have been done', () => {
    const writes = plannedWrites(buildWorkload({ expected: [] }), mulberry32(3));

    for (let i = 0; i < 50; i++) writes.settle(buildOutcome({ request: writes.next(), status: 500 }));
    for (let i = 0; i < 50; i++) {
      writes.settle(
        buildOutcome({ request: writes.next(), status: undefined, error: 'timeout after 10000 ms' }),
      );
    }

    expect(writes.expected().confirmed).toEqual([]);
    expect(writes.expected().unsure.length).toBeGreaterThan(0);
    expect(writes.counts()).toEqual({ answered: 50, succeeded: 0, failed: 50, unanswered: 50 });
  });

  it('When many favorites are drawn, then no user favorites the same article twice', () => {
    const writes = plannedWrites(buildWorkload(), mulberry32(9), { article: 0, comment: 0, favorite: 1 });

    const favorites = Array.from({ length: 40 }, () => writes.next()).filter((r) => r.name === 'favorite');

    const pairs = favorites.map((r) => `${r.headers.authorization} ${r.path}`);
    expect(new Set(pairs).size).toBe(pairs.length);
  });
});

describe('auditNotifications', () => {
  it('When every owed notification is found once, then nothing is missing or doubled', () => {
    const owed = [buildNotification(), buildNotification({ recipient: 'bob', title: null })];

    const audit = auditNotifications({ confirmed: owed, unsure: [] }, counted(owed));

    expect(audit).toMatchObject({ expected: 2, found: 2, missing: 0, duplicates: 0, unexpected: 0 });
    expect(audit.missingKeys).toEqual([]);
    expect(describeMissing(audit)).toBe('');
  });

  it('When one is missing and another is there twice, then both show, though the totals match', () => {
    const owed = [buildNotification(), buildNotification({ title: 'Other' })];
    const found = counted([buildNotification(), buildNotification()]);

    const audit = auditNotifications({ confirmed: owed, unsure: [] }, found);

    expect(audit).toMatchObject({ expected: 2, found: 2, missing: 1, duplicates: 1 });
    expect(audit.missingKeys).toEqual([buildNotification({ title: 'Other' })]);
    expect(describeMissing(audit)).toBe('Missing: to ann from bob about "Other".');
  });

  it('When many are missing, then the first ten are named and the report gives the total', () => {
    const owed = [
      buildNotification({ recipient: 'cat', title: null }),
      ...Array.from({ length: 12 }, (_, index) => buildNotification({ actor: `writer${index}` })),
    ];

    const audit = auditNotifications({ confirmed: owed, unsure: [] }, new Map());

    expect(audit.missing).toBe(13);
    expect(audit.missingKeys).toEqual(owed.slice(0, 10));
    expect(describeMissing(audit)).toMatch(
      /^Missing \(13 in all\): to cat from bob \(a follow\); to ann from writer0 about "Ann first"; .* writer8 about "Ann first"\.$/,
    );
  });

  it('When a write without an answer was done after all, then its notification is not counted as a double', () => {
    const found = counted([buildNotification(), buildNotification({ actor: 'cat' })]);

    const audit = auditNotifications(
      { confirmed: [buildNotification()], unsure: [buildNotification({ actor: 'cat' })] },
      found,
    );

    expect(audit).toMatchObject({ missing: 0, duplicates: 0, fromUnansweredWrites: 1, unexpected: 0 });
  });
});
