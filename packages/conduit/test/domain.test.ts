import { describe, expect, it } from 'vitest';
import { emptyToNull, normalizeEmail, normalizeTags } from '../src/domain/normalize.ts';
import { isSlugOf, slugify, withUniqueSuffix } from '../src/domain/slug.ts';

describe('slugify', () => {
  it('When a title has capitals, punctuation and spaces, then the slug is lower-case words joined by dashes', () => {
    expect(slugify('  Hello, World! How are   you?  ')).toBe('hello-world-how-are-you');
  });

  it('When a title has accents, then they are folded to ASCII', () => {
    expect(slugify('Crème brûlée à Noël')).toBe('creme-brulee-a-noel');
  });

  it('When a title has no letters or digits, then the slug falls back to "article"', () => {
    expect(slugify('!!! ???')).toBe('article');
    expect(slugify('日本語')).toBe('article');
  });

  it('When a title is very long, then the slug is cut to 80 characters without a trailing dash', () => {
    const slug = slugify(`${'word '.repeat(40)}end`);
    expect(slug.length).toBeLessThanOrEqual(80);
    expect(slug).not.toMatch(/-$/);
  });

  it('When a unique suffix is added, then the base is kept and two suffixes differ', () => {
    const first = withUniqueSuffix('my-title');
    const second = withUniqueSuffix('my-title');
    expect(first).toMatch(/^my-title-[0-9a-f]{8}$/);
    expect(first).not.toBe(second);
  });
});

describe('isSlugOf', () => {
  it('When a slug is the base or the base with a unique suffix, then it belongs to that base; a longer title does not', () => {
    expect(isSlugOf('my-title', 'my-title')).toBe(true);
    expect(isSlugOf(withUniqueSuffix('my-title'), 'my-title')).toBe(true);
    expect(isSlugOf('my-title-and-more', 'my-title')).toBe(false);
    expect(isSlugOf('my-titles', 'my-title')).toBe(false);
  });
});

describe('normalisation', () => {
  it('When bio or image is an empty or blank string, then it becomes null', () => {
    expect(emptyToNull('')).toBeNull();
    expect(emptyToNull('   ')).toBeNull();
  });

  it('When bio or image has content, is null or is absent, then it is kept as is', () => {
    expect(emptyToNull('I write code')).toBe('I write code');
    expect(emptyToNull(null)).toBeNull();
    expect(emptyToNull(undefined)).toBeUndefined();
  });

  it('When an email has capitals and spaces, then it is trimmed and lower-cased', () => {
    expect(normalizeEmail('  Jane.Doe@Example.COM ')).toBe('jane.doe@example.com');
  });

  it('When tags repeat or carry spaces, then they are trimmed and de-duplicated in order', () => {
    expect(normalizeTags(['b', ' a ', 'b', 'a'])).toEqual(['b', 'a']);
  });
});
