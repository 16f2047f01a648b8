import { describe, expect, it } from 'vitest';
import { buildTestApp } from './support/test-app.ts';

const app = await buildTestApp();

describe('security headers', () => {
  it('When the API answers with data, an error or a 404, then each answer forbids sniffing, framing, scripts and referrers', async () => {
    const responses = await Promise.all([
      app.inject({ method: 'GET', url: '/api/tags' }),
      app.inject({ method: 'GET', url: '/api/user' }),
      app.inject({ method: 'GET', url: '/api/nowhere' }),
    ]);

    expect(responses.map((response) => response.statusCode)).toEqual([200, 401, 404]);
    for (const response of responses) {
      expect(response.headers).toMatchObject({
        'x-content-type-options': 'nosniff',
        'x-frame-options': 'DENY',
        'referrer-policy': 'no-referrer',
        'cross-origin-resource-policy': 'same-origin',
        'content-security-policy':
          "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
      });
    }
  });

  it('When the docs page is loaded, then its policy lets it load its own scripts and styles, and every one of them loads', async () => {
    const page = await app.inject({ method: 'GET', url: '/api/docs/' });
    const assets = [...page.body.matchAll(/(?:src|href)="\.\/([^"]+)"/g)].map((match) => match[1]);
    const loaded = await Promise.all(
      assets.map(
        async (asset) => (await app.inject({ method: 'GET', url: `/api/docs/${asset}` })).statusCode,
      ),
    );

    const policy = String(page.headers['content-security-policy']);
    expect(page.statusCode).toBe(200);
    expect(policy).toContain("script-src 'self'");
    expect(policy).toContain("style-src 'self' 'unsafe-inline'");
    expect(policy).toContain("connect-src 'self'");
    expect(page.body).not.toMatch(/<script>|<script [^>]*>[^<\s]/);
    expect(assets).toEqual(
      expect.arrayContaining(['static/swagger-ui-bundle.js', 'static/swagger-initializer.js']),
    );
    expect(loaded.every((status) => status === 200)).toBe(true);
  });
});
