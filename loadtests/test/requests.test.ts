import { describe, expect, it } from 'vitest';
import { readHeavy } from '../scenarios/read-heavy.ts';
import { readHeavyKeyed } from '../scenarios/read-heavy-keyed.ts';
import { readLatency } from '../scenarios/read-latency.ts';
import {
  carriesIdempotencyKey,
  createRequestPicker,
  fillPlaceholders,
  idempotencyKey,
  type PlaceholderValues,
  prepareRequest,
  resolveTemplate,
  sendsToken,
} from '../scenarios/requests.ts';
import { signIn } from '../scenarios/sign-in.ts';
import type { RequestTemplate } from '../scenarios/types.ts';

function buildTemplate(overrides: Partial<RequestTemplate> = {}): RequestTemplate {
  return { name: 'get', weight: 1, method: 'GET', path: '/api/articles/{slug}', auth: 'none', ...overrides };
}

const values: PlaceholderValues = {
  slug: () => 'a b',
  username: () => 'user1',
  tag: () => 'c++',
  offset: () => '40',
  text: () => 'Hello "world".',
  email: () => 'reader@example.com',
  password: () => 'pass "word"',
};

describe('createRequestPicker', () => {
  it('When drawing with numbers spread over [0, 1), then each template comes up in proportion to its weight', () => {
    const pick = createRequestPicker([
      buildTemplate({ name: 'a', weight: 1 }),
      buildTemplate({ name: 'b', weight: 3 }),
    ]);
    const names = Array.from({ length: 8 }, (_, i) => pick(i / 8).name);
    expect(names).toEqual(['a', 'a', 'b', 'b', 'b', 'b', 'b', 'b']);
  });

  it('When the mix is empty or a weight is not positive, then it refuses with a message', () => {
    expect(() => createRequestPicker([])).toThrow(/at least one request/);
    expect(() => createRequestPicker([buildTemplate({ weight: -1 })])).toThrow(/positive weight/);
  });
});

describe('resolveTemplate', () => {
  it('When a template has placeholders, then the path is URL-encoded and the body is valid JSON', () => {
    const resolved = resolveTemplate(
      buildTemplate({
        path: '/api/articles/{slug}?tag={tag}&x={unknown}',
        body: { comment: { body: '{text}' } },
      }),
      values,
    );
    expect(resolved.path).toBe('/api/articles/a%20b?tag=c%2B%2B&x={unknown}');
    expect(JSON.parse(resolved.body as string)).toEqual({ comment: { body: 'Hello "world".' } });
  });

  it('When a login body holds {email} and {password}, then both are filled inside valid JSON', () => {
    const [login] = signIn.requests;
    const resolved = resolveTemplate(login as RequestTemplate, values);
    expect(JSON.parse(resolved.body as string)).toEqual({
      user: { email: 'reader@example.com', password: 'pass "word"' },
    });
  });

  it('When filling plain text, then values are inserted as they are', () => {
    expect(fillPlaceholders('{username} reads {tag}', values)).toBe('user1 reads c++');
  });
});

describe('sendsToken', () => {
  it('When auth is required, optional or none, then a token goes always, on half the draws, or never', () => {
    expect(sendsToken(buildTemplate({ auth: 'required' }), 0.9)).toBe(true);
    expect(sendsToken(buildTemplate({ auth: 'optional' }), 0.2)).toBe(true);
    expect(sendsToken(buildTemplate({ auth: 'optional' }), 0.7)).toBe(false);
    expect(sendsToken(buildTemplate({ auth: 'none' }), 0)).toBe(false);
  });
});

describe('idempotency keys', () => {
  it('When a request is a write sent with POST, then it carries a key; reads, PUT and DELETE do not', () => {
    expect(carriesIdempotencyKey(buildTemplate({ method: 'POST', write: true }))).toBe(true);
    expect(carriesIdempotencyKey(buildTemplate({ method: 'DELETE', write: true }))).toBe(false);
    expect(carriesIdempotencyKey(buildTemplate({ method: 'POST' }))).toBe(false);
    expect(carriesIdempotencyKey(buildTemplate())).toBe(false);
  });

  it('When keys are made for one run, then each is the run prefix and its sequence number', () => {
    expect(idempotencyKey('bench-abc', 7)).toBe('bench-abc-7');
    expect(idempotencyKey('bench-abc', 7)).not.toBe(idempotencyKey('bench-abd', 7));
  });
});

describe('prepareRequest', () => {
  it('When a keyed write that needs a token is prepared, then it carries JSON headers, the token and a key', () => {
    const template = buildTemplate({
      method: 'POST',
      auth: 'required',
      write: true,
      body: { comment: { body: '{text}' } },
    });
    const prepared = prepareRequest(
      template,
      values,
      0.9,
      () => 'secret',
      () => 'run-1',
    );
    expect(prepared).toEqual({
      path: '/api/articles/a%20b',
      body: '{"comment":{"body":"Hello \\"world\\"."}}',
      headers: {
        accept: 'application/json',
        authorization: 'Token secret',
        'content-type': 'application/json',
        'idempotency-key': 'run-1',
      },
    });
  });

  it('When an anonymous read or a write without a key source is prepared, then neither token nor key is added', () => {
    const keyless = prepareRequest(buildTemplate({ method: 'POST', write: true }), values, 0, () => 'secret');
    expect(keyless.headers).toEqual({ accept: 'application/json' });
    const read = prepareRequest(
      buildTemplate(),
      values,
      0,
      () => 'secret',
      () => 'run-1',
    );
    expect(read).toEqual({
      path: '/api/articles/a%20b',
      body: undefined,
      headers: { accept: 'application/json' },
    });
  });
});

describe('shared scenarios', () => {
  it('When the keyed scenario is used, then it is the read-heavy mix with keys, and its POSTs are keyed writes', () => {
    expect(readHeavyKeyed.idempotencyKeys).toBe(true);
    expect(readHeavyKeyed.requests).toBe(readHeavy.requests);
    expect(readHeavyKeyed.requests.filter(carriesIdempotencyKey).map((request) => request.name)).toEqual([
      'favorite',
      'comment',
    ]);
  });

  it('When the k6 scripts read the scenarios, then each has thresholds and read-latency holds only reads', () => {
    for (const scenario of [readHeavy, readLatency, readHeavyKeyed, signIn]) {
      expect(scenario.thresholds?.p95Ms).toBeGreaterThan(0);
      expect(scenario.thresholds?.maxErrorRate).toBeGreaterThan(0);
    }
    expect(readLatency.model).toBe('open');
    expect(readLatency.requests.some((request) => request.write)).toBe(false);
    expect(readLatency.requests.length).toBe(readHeavy.requests.filter((request) => !request.write).length);
  });
});
