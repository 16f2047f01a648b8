import type { FastifyInstance } from 'fastify';

/**
 * Headers that keep a browser from doing anything with an API response but read it as data: no MIME sniffing
 * (a JSON body holding HTML is never run as a page), no framing, no scripts or subresources, no Referer leaking
 * a URL, and no embedding by other sites outside CORS (`Cross-Origin-Resource-Policy` does not apply to the CORS
 * requests a front end makes). No `Strict-Transport-Security`: TLS ends in front of the app, where it belongs.
 */
const apiHeaders = {
  'content-security-policy':
    "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'cross-origin-resource-policy': 'same-origin',
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
};

/**
 * The docs page (Swagger UI) is a real page: it loads its own scripts and styles (some inline styles) and calls the
 * API from the same origin, and nothing else.
 */
const docsContentSecurityPolicy =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
  "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** Sets the security headers on every response, errors and 404s included. */
export function useSecurityHeaders(app: FastifyInstance): void {
  app.addHook('onSend', async (request, reply, payload) => {
    reply.headers(apiHeaders);
    if (request.routeOptions.url?.startsWith('/api/docs'))
      reply.header('content-security-policy', docsContentSecurityPolicy);
    return payload;
  });
}
