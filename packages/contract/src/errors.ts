import { z } from 'zod';

/** The spec's exact words; the official suite compares them verbatim. */
export const errorMessages = {
  blank: "can't be blank",
  taken: 'has already been taken',
  notFound: 'not found',
  forbidden: 'forbidden',
  missing: 'is missing',
  invalid: 'is invalid',
  credentials: 'invalid',
} as const;

/** Every error response: `{ errors: { <field or resource>: [messages] } }`. */
export const errorBodySchema = z.object({
  errors: z.record(z.string(), z.array(z.string())),
});
export type ErrorBody = z.infer<typeof errorBodySchema>;

/**
 * An expected failure with its RealWorld body: an error handler sends `{ errors }` with `statusCode` as is. One class
 * for every service that answers in this shape (the app, the notifications service), so each handler knows it.
 */
export class HttpError extends Error {
  readonly statusCode: number;
  readonly errors: ErrorBody['errors'];

  constructor(statusCode: number, errors: ErrorBody['errors']) {
    super(
      Object.entries(errors)
        .map(([field, messages]) => `${field} ${messages.join(', ')}`)
        .join('; '),
    );
    this.name = 'HttpError';
    this.statusCode = statusCode;
    this.errors = errors;
  }
}

/** 204 No Content: a successful delete has no body. */
export const noContentSchema = z.null().describe('No content');
