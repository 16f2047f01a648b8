import type { ErrorBody } from '@scaling/contract';
import { isDatabaseUnavailable } from '@scaling/db';
import { IdempotencyStoreUnavailableError } from '@scaling/idempotency';
import { RateLimiterUnavailableError } from '@scaling/rate-limit';
import { SessionStoreUnavailableError } from '@scaling/sessions';
import type { FastifyError, FastifyReply, FastifyRequest, FastifySchemaValidationError } from 'fastify';
import { HttpError } from './http-error.ts';
import { jsonBodyLimit } from './json-body-parser.ts';

const serverErrorBody: ErrorBody = {
  errors: {
    server: ['The server could not handle this request. Try again later; the error has been logged.'],
  },
};

/** Seconds a client should wait before retrying after a 503: Redis and the pg pool reconnect within about a second. */
const retryAfterSeconds = 1;

/**
 * A store that is down is a 503 with words that say so, never a 500 (a bug) or a 401 (a silent logout).
 * Only requests that need the store get it: anonymous reads never ask.
 */
export const unavailableBodies = {
  session: { errors: { session: ['store is unavailable right now; retry in a few seconds'] } },
  database: { errors: { database: ['is unavailable right now; retry in a few seconds'] } },
  idempotency: {
    errors: {
      'Idempotency-Key': [
        'cannot be checked while its store is unavailable, so the request was not run; retry in a few seconds',
      ],
    },
  },
  rateLimit: {
    errors: {
      credentials: [
        'cannot be checked against the attempt limits right now, so they were not tried; retry in a few seconds',
      ],
    },
  },
  shards: {
    errors: { shards: ['are not known yet (the shard ring has not been read); retry in a few seconds'] },
  },
} satisfies Record<string, ErrorBody>;

/**
 * The stable codes of the repositories a stage swaps in that mean "not yet, retry": matched by code, since conduit
 * cannot import those packages (they build on it).
 */
function unavailableByCode(error: Error): ErrorBody | null {
  switch ((error as { code?: unknown }).code) {
    // @scaling/shards before its router's first successful read of the ring (the global database was away at boot).
    case 'SHARD_RING_EMPTY':
      return unavailableBodies.shards;
    default:
      return null;
  }
}

function unavailableBody(error: Error): ErrorBody | null {
  if (error instanceof SessionStoreUnavailableError) return unavailableBodies.session;
  if (error instanceof IdempotencyStoreUnavailableError) return unavailableBodies.idempotency;
  if (error instanceof RateLimiterUnavailableError) return unavailableBodies.rateLimit;
  if (isDatabaseUnavailable(error)) return unavailableBodies.database;
  return unavailableByCode(error);
}

/** Keys each message by the field it concerns: `/article/tagList/1` -> `tagList`, a whole missing body -> `body`. */
export function validationErrors(
  issues: readonly FastifySchemaValidationError[],
  context = 'body',
): ErrorBody {
  const errors: Record<string, string[]> = {};
  for (const issue of issues) {
    const segments = issue.instancePath
      .split('/')
      .filter((segment) => segment !== '' && !/^\d+$/.test(segment));
    const field = segments.at(-1) ?? context;
    const messages = errors[field] ?? [];
    const message = issue.message ?? 'is invalid';
    if (!messages.includes(message)) messages.push(message);
    errors[field] = messages;
  }
  return { errors };
}

/** Fastify's own client errors, in the RealWorld shape and with words that say what to change. */
function clientErrorBody(error: FastifyError): ErrorBody {
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return { errors: { body: ['must be sent with Content-Type: application/json'] } };
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { errors: { body: [`is too large; send at most ${jsonBodyLimit} bytes`] } };
    case 'FST_ERR_BAD_URL':
      return {
        errors: { url: ['is malformed: a % must start a percent-encoded UTF-8 character, such as %20'] },
      };
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return { errors: { url: ['has a path segment too long to be a slug, a username or an id'] } };
    default:
      return { errors: { request: [error.message] } };
  }
}

/** The one error handler: expected errors keep their 4xx status; anything else is logged and hidden behind a 500. */
export function errorHandler(
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
  if (error instanceof HttpError) {
    return reply.code(error.statusCode).send({ errors: error.errors });
  }
  const unavailable = unavailableBody(error);
  if (unavailable) {
    // Not logged as an error: an outage is not a bug. The request log shows each 503; the Redis client logs its outage once.
    return reply.code(503).header('retry-after', String(retryAfterSeconds)).send(unavailable);
  }
  if (error.validation) {
    return reply.code(422).send(validationErrors(error.validation, error.validationContext));
  }
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    return reply.code(status).send(clientErrorBody(error));
  }
  request.log.error({ err: error }, 'The request failed with an unexpected error.');
  return reply.code(500).send(serverErrorBody);
}

/**
 * For the server option `Fastify({ frameworkErrors })`: the router rejects a malformed % escape or an over-long
 * path segment before any plugin runs, so only a server option can answer those in the RealWorld shape.
 */
export const frameworkErrors = errorHandler;
