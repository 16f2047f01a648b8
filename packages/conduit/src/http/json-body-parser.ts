import type { FastifyInstance } from 'fastify';
import { HttpError } from './http-error.ts';

/** 1 MiB: far above any real article, small enough that one request cannot hold much memory. */
export const jsonBodyLimit = 1024 * 1024;

/**
 * Replaces fastify's parsers with one JSON parser, so that an empty body (a bodiless POST that still says application/json)
 * counts as no body, and malformed JSON gets the RealWorld error shape. JSON.parse keeps a "__proto__"
 * key as plain data, and the zod schemas copy only known fields, so prototype poisoning cannot reach handlers.
 */
export function useJsonBodyParser(app: FastifyInstance): void {
  // The API speaks JSON only: any other media type (fastify also parses text/plain) gets a 415.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    'application/json',
    { parseAs: 'string', bodyLimit: jsonBodyLimit },
    (_request, body, done) => {
      // RFC 8259 lets a parser ignore a byte order mark, and some Windows clients send one; JSON.parse would not.
      const text = (body as string).replace(/^\uFEFF/, '');
      if (text.trim() === '') {
        done(null, undefined);
        return;
      }
      try {
        done(null, JSON.parse(text));
      } catch {
        done(new HttpError(400, { body: ['is not valid JSON; send a JSON object'] }), undefined);
      }
    },
  );
}
