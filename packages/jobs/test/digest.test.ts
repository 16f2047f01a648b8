import { describe, expect, it } from 'vitest';
import { readingMinutes, wrap } from '../src/digest/render-digest.ts';
import { digestPeriod, renderDigest, weeklyDigestPayload, weekStart } from '../src/index.ts';

const article = {
  title: 'How to train your dragon',
  slug: 'how-to-train-your-dragon-1',
  description: 'Ever wonder how? '.repeat(12).trim(),
  body: 'word '.repeat(450).trim(),
  author: 'hiccup',
  favoritesCount: 1,
  createdAt: new Date('2024-12-25T10:00:00Z'),
};

describe('digest text', () => {
  it('When text is wrapped, then no line exceeds the width and no word is lost or split', () => {
    const text = 'The quick brown fox jumps over the lazy dog and keeps running far away. '.repeat(5);

    const wrapped = wrap(text, 30, '   ');

    for (const line of wrapped.split('\n')) {
      expect(line.length).toBeLessThanOrEqual(30);
      expect(line.startsWith('   ')).toBe(true);
    }
    expect(wrapped.split(/\s+/).filter(Boolean)).toEqual(text.split(/\s+/).filter(Boolean));
  });

  it('When a body is long or short, then the reading time is its words at 200 a minute, at least one minute', () => {
    expect(readingMinutes('word '.repeat(450))).toBe(2);
    expect(readingMinutes('short')).toBe(1);
  });

  it('When a digest is rendered, then it greets the reader and lists each article with byline, excerpt and link', () => {
    const text = renderDigest({ reader: 'astrid', week: '2024-12-23', days: 7, articles: [article] });

    expect(text).toMatch(/^Hello astrid,\n/);
    expect(text.replace(/\s+/g, ' ')).toContain(
      'Your digest for the week of 2024-12-23: the most favorited article by the authors you follow, from the last 7 days.',
    );
    expect(text).toContain('1. How to train your dragon');
    expect(text).toContain('by hiccup, 2024-12-25 - 1 favorite - 2 min read');
    expect(text).toContain('Read it: /article/how-to-train-your-dragon-1');
    expect(text).toContain('word ...');
    expect(Math.max(...text.split('\n').map((line) => line.length))).toBeLessThanOrEqual(72);
  });
});

describe('digest week', () => {
  it('When any day is given, then the week is the Monday that starts it, in UTC', () => {
    expect(weekStart(new Date('2024-12-23T00:00:00Z'))).toBe('2024-12-23');
    expect(weekStart(new Date('2024-12-29T23:59:59Z'))).toBe('2024-12-23');
    expect(weeklyDigestPayload({ week: '2025-01-01', days: undefined })).toEqual({
      week: '2024-12-30',
      days: 7,
      articlesPerDigest: 5,
    });
  });

  it('When the look-back is N days, then the period is the N days before the week ends', () => {
    expect(digestPeriod('2024-12-23', 14)).toEqual({
      since: new Date('2024-12-16T00:00:00Z'),
      until: new Date('2024-12-30T00:00:00Z'),
    });
  });

  it('When the payload is nonsense, then it is refused with a message that says what to give', () => {
    expect(() => weeklyDigestPayload({ week: 'last week' })).toThrow(/YYYY-MM-DD/);
    expect(() => weeklyDigestPayload({ days: 0 })).toThrow(/at least 1/);
    expect(() => weeklyDigestPayload({ articlesPerDigest: 1.5 })).toThrow(/at least 1 article/);
  });
});
