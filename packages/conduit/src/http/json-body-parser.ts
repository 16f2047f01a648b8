import type { FastifyInstance } from 'fastify';
import { HttpError } from './http-error.ts';

/** 1 MiB: far above any real article, small enough that one request cannot hold much memory. */
export const jsonBodyLimit = 1024 * 1024;

/**
 * Objects and arrays nested deeper than this are refused: the API's bodies nest three levels
 * ({ article: { tagList: [] } }). Without a bound, a megabyte of brackets parses fine but makes every
 * recursive walk over the value afterwards (JSON.stringify, a validator) overflow the stack.
 */
export const maxJsonDepth = 16;

const [openBrace, closeBrace, openBracket, closeBracket, quote, backslash] = [...'{}[]"\\'].map((character) =>
  character.charCodeAt(0),
);

/** True when the JSON text nests objects and arrays deeper than `limit`; one pass, before any parsing. */
function nestsDeeperThan(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (inString) {
      if (code === backslash) index += 1;
      else if (code === quote) inString = false;
    } else if (code === quote) inString = true;
    else if (code === openBrace || code === openBracket) {
      depth += 1;
      if (depth > limit) return true;
    } else if (code === closeBrace || code === closeBracket) depth -= 1;
  }
  return false;
}

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
      if (nestsDeeperThan(text, maxJsonDepth)) {
        done(
          new HttpError(400, {
            body: [`nests objects and arrays deeper than ${maxJsonDepth} levels; send a flatter JSON object`],
          }),
          undefined,
        );
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
