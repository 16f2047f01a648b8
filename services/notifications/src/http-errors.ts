import { type ErrorBody, errorMessages, HttpError } from '@scaling/contract';
import { isDatabaseUnavailable } from '@scaling/db';
import type { FastifyError, FastifyReply, FastifyRequest, FastifySchemaValidationError } from 'fastify';
import { NotificationsError } from './errors.ts';

export const unauthorized = (message: string = errorMessages.invalid) =>
  new HttpError(401, { token: [message] });

const retryAfterSeconds = 1;

const unavailable: Record<'database' | 'keys', ErrorBody> = {
  database: { errors: { database: ['is unavailable right now; retry in a few seconds'] } },
  keys: {
    errors: {
      token: ["cannot be checked while the app's signing keys are unavailable; retry in a few seconds"],
    },
  },
};

/** Only /api/notifications and its probes live here; nginx sends nothing else, but a direct caller may. */
export function notFound(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  return reply
    .code(404)
    .send({ errors: { path: [`${request.url.split('?')[0]} ${errorMessages.notFound}`] } });
}

/** `?limit=abc` -> `{ limit: ['must be an integer'] }`: each message under the parameter it concerns. */
function validationBody(issues: readonly FastifySchemaValidationError[], context: string): ErrorBody {
  const errors: ErrorBody['errors'] = {};
  for (const issue of issues) {
    const field = issue.instancePath.split('/').filter(Boolean).at(-1) ?? context;
    errors[field] = [...(errors[field] ?? []), issue.message ?? errorMessages.invalid];
  }
  return { errors };
}

/**
 * The service's one error handler, in the RealWorld shape the app answers with: expected errors keep their 4xx,
 * an outage of the database or of the app's keys is a 503 with a Retry-After, anything else a logged 500.
 */
export function errorHandler(
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
  if (error instanceof HttpError) return reply.code(error.statusCode).send({ errors: error.errors });
  const outage =
    error instanceof NotificationsError && error.code === 'NOTIFICATIONS_KEYS_UNAVAILABLE'
      ? unavailable.keys
      : isDatabaseUnavailable(error)
        ? unavailable.database
        : null;
  if (outage) {
    request.log.warn({ err: error }, 'A dependency is unavailable; answering 503.');
    return reply.code(503).header('retry-after', String(retryAfterSeconds)).send(outage);
  }
  if (error.validation) {
    return reply.code(422).send(validationBody(error.validation, error.validationContext ?? 'request'));
  }
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    return reply.code(status).send({ errors: { request: [error.message] } });
  }
  request.log.error({ err: error }, 'The request failed with an unexpected error.');
  return reply.code(500).send({
    errors: {
      server: ['The server could not handle this request. Try again later; the error has been logged.'],
    },
  });
}
