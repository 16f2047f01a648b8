import type { RequestTemplate } from '@scaling/loadtests/scenarios/types';
import { mulberry32 } from '@scaling/seed';
import { describe, expect, it } from 'vitest';
import { createMix, type Fixtures } from '../src/mix.ts';
import { buildFixtures } from './builders.ts';

function buildMixFixtures(overrides: Partial<Fixtures> = {}): Fixtures {
  return buildFixtures({
    tokens: ['token-a', 'token-b'],
    slugs: Array.from({ length: 1_000 }, (_, i) => `article-${i}`),
    usernames: Array.from({ length: 100 }, (_, i) => `user${i}`),
    tags: ['javascript', 'c++', 'node'],
    emails: ['a@example.com', 'b@example.com'],
    ...overrides,
  });
}

function buildRequest(overrides: Partial<RequestTemplate> = {}): RequestTemplate {
  return { name: 'get', weight: 1, method: 'GET', path: '/api/articles/{slug}', auth: 'none', ...overrides };
}

describe('createMix', () => {
  it('When requests have weights 1:3:6, then they are drawn in about that proportion', () => {
    const requests = [
      buildRequest({ name: 'a', weight: 1 }),
      buildRequest({ name: 'b', weight: 3 }),
      buildRequest({ name: 'c', weight: 6 }),
    ];
    const mix = createMix(requests, buildMixFixtures(), mulberry32(1));
    const counts: Record<string, number> = { a: 0, b: 0, c: 0 };
    for (let i = 0; i < 20_000; i++) (counts[mix.pick().name] as number)++;
    expect((counts.a as number) / 20_000).toBeCloseTo(0.1, 1);
    expect((counts.b as number) / 20_000).toBeCloseTo(0.3, 1);
    expect((counts.c as number) / 20_000).toBeCloseTo(0.6, 1);
  });

  it('When slugs are drawn, then the most popular 20% get most of the reads', () => {
    const fixtures = buildMixFixtures();
    const mix = createMix([buildRequest()], fixtures, mulberry32(2));
    const hot = new Set(fixtures.slugs.slice(0, 200).map((slug) => `/api/articles/${slug}`));
    let hits = 0;
    for (let i = 0; i < 10_000; i++) if (hot.has(mix.next().path)) hits++;
    expect(hits / 10_000).toBeGreaterThan(0.7);
  });

  it('When a template has placeholders, then the path is URL-encoded and the JSON body filled', () => {
    const mix = createMix(
      [
        buildRequest({
          method: 'POST',
          path: '/api/articles?tag={tag}&offset={offset}&author={username}',
          auth: 'required',
          body: { comment: { body: '{text}' } },
        }),
      ],
      buildMixFixtures({ tags: ['c++'] }),
      mulberry32(3),
    );
    const request = mix.next();
    expect(request.path).toMatch(/^\/api\/articles\?tag=c%2B%2B&offset=\d+&author=user\d+$/);
    expect(request.headers.authorization).toMatch(/^Token token-[ab]$/);
    expect(request.headers['content-type']).toBe('application/json');
    const body = JSON.parse(request.body as string);
    expect(body.comment.body).toMatch(/^[A-Z][a-z ]+\.$/);
  });

  it('When auth is none or optional, then tokens go on none or on some of the requests', () => {
    const fixtures = buildMixFixtures();
    const none = createMix([buildRequest({ auth: 'none' })], fixtures, mulberry32(4));
    const optional = createMix([buildRequest({ auth: 'optional' })], fixtures, mulberry32(4));
    let withToken = 0;
    for (let i = 0; i < 1_000; i++) {
      expect(none.next().headers.authorization).toBeUndefined();
      if (optional.next().headers.authorization) withToken++;
    }
    expect(withToken).toBeGreaterThan(350);
    expect(withToken).toBeLessThan(650);
  });

  it('When keys are asked for, then each POST write gets a new one from the prefix and nothing else gets one', () => {
    const mix = createMix(
      [
        buildRequest({ name: 'comment', method: 'POST', auth: 'required', write: true, weight: 1 }),
        buildRequest({ name: 'unfavorite', method: 'DELETE', auth: 'required', write: true, weight: 1 }),
        buildRequest({ name: 'read', weight: 1 }),
      ],
      buildMixFixtures(),
      mulberry32(5),
      { idempotencyKeyPrefix: 'run-1' },
    );
    const requests = Array.from({ length: 60 }, () => mix.next());
    const keys = requests
      .filter((request) => request.name === 'comment')
      .map((request) => request.headers['idempotency-key']);
    expect(keys.length).toBeGreaterThan(5);
    expect(keys).toEqual(keys.map((_, index) => `run-1-${index + 1}`));
    for (const request of requests.filter((each) => each.name !== 'comment')) {
      expect(request.headers['idempotency-key']).toBeUndefined();
    }
    const unkeyed = createMix(
      [buildRequest({ method: 'POST', write: true })],
      buildMixFixtures(),
      mulberry32(5),
    );
    expect(unkeyed.next().headers['idempotency-key']).toBeUndefined();
  });

  it("When a login is drawn, then it carries one of the fixtures' emails and their shared password", () => {
    const mix = createMix(
      [
        buildRequest({
          method: 'POST',
          path: '/api/users/login',
          body: { user: { email: '{email}', password: '{password}' } },
        }),
      ],
      buildMixFixtures(),
      mulberry32(6),
    );
    const body = JSON.parse(mix.next().body as string);
    expect(['a@example.com', 'b@example.com']).toContain(body.user.email);
    expect(body.user.password).toBe('secret-password');
  });

  it('When the fixtures or weights are unusable, then creating the mix fails with a clear message', () => {
    expect(() => createMix([buildRequest()], buildMixFixtures({ tokens: [] }), mulberry32(1))).toThrow(
      /seed the database/,
    );
    expect(() => createMix([buildRequest()], buildMixFixtures({ emails: [] }), mulberry32(1))).toThrow(
      /no emails/,
    );
    expect(() => createMix([buildRequest({ weight: 0 })], buildMixFixtures(), mulberry32(1))).toThrow(
      /positive weight/,
    );
    expect(() => createMix([], buildMixFixtures(), mulberry32(1))).toThrow(/at least one request/);
  });
});
