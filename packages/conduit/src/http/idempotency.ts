import {
  type IdempotencyScope,
  type IdempotencyStore,
  isValidIdempotencyKey,
  maxIdempotencyKeyLength,
} from '@scaling/idempotency';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HttpError, unprocessable } from './http-error.ts';

const field = 'Idempotency-Key';
export const idempotencyMessages = {
  malformed: `must be 1 to ${maxIdempotencyKeyLength} visible ASCII characters, such as a UUID`,
  inFlight: 'is in use by a request that has not finished yet; retry in a moment',
  interrupted:
    'belongs to a request that stopped before it answered, so whether it took effect is unknown; check, then send it again with a new key',
  mismatch: 'was already used with a different request body; use a new key for a new request',
};

interface Claim {
  scope: IdempotencyScope;
  fingerprint: string;
}

/** The header's key for a POST, or null when the request does not ask for idempotency. */
function idempotencyKeyOf(request: FastifyRequest): string | null {
  if (request.method !== 'POST') return null;
  const key = request.headers['idempotency-key'];
  if (key === undefined) return null;
  if (typeof key !== 'string' || !isValidIdempotencyKey(key))
    throw unprocessable(field, idempotencyMessages.malformed);
  return key;
}

/**
 * `POST` with `Idempotency-Key`: the first request claims the key and its response is stored; a retry with the
 * same key and body gets that response again (`Idempotent-Replayed: true`) without running twice. The key is
 * claimed in preHandler, after authentication (the key belongs to the user) and validation (a rejected body
 * claims nothing). A 503 answer means nothing was done, so it frees the key for the retry it asks for.
 */
export function useIdempotency(app: FastifyInstance, store: IdempotencyStore): void {
  const claims = new WeakMap<FastifyRequest, Claim>();

  app.addHook('preHandler', async (request, reply) => {
    const key = idempotencyKeyOf(request);
    if (key === null) return;
    const scope: IdempotencyScope = {
      owner: request.viewer ? `user:${request.viewer.userId}` : 'anonymous',
      method: request.method,
      path: request.url.split('?')[0] ?? request.url,
      key,
    };
    const fingerprint = store.fingerprint(request.body);
    const claim = await store.claim(scope, fingerprint);
    switch (claim.outcome) {
      case 'claimed':
        claims.set(request, { scope, fingerprint });
        return;
      case 'completed': {
        const { statusCode, contentType, body } = claim.response;
        if (contentType !== null) reply.header('content-type', contentType);
        return reply.code(statusCode).header('idempotent-replayed', 'true').send(body);
      }
      case 'in-flight':
        throw new HttpError(409, { [field]: [idempotencyMessages.inFlight] });
      case 'interrupted':
        throw new HttpError(409, { [field]: [idempotencyMessages.interrupted] });
      case 'mismatch':
        throw unprocessable(field, idempotencyMessages.mismatch);
    }
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const claim = claims.get(request);
    if (claim === undefined) return payload;
    claims.delete(request);
    try {
      if (reply.statusCode === 503) await store.release(claim.scope);
      else
        await store.complete(claim.scope, claim.fingerprint, {
          statusCode: reply.statusCode,
          contentType: (reply.getHeader('content-type') as string | undefined) ?? null,
          body: typeof payload === 'string' ? payload : null,
        });
    } catch (error) {
      // The answer still goes out; the key stays claimed, so a retry gets 409 rather than a second run.
      request.log.warn({ err: error }, 'The response could not be stored for its Idempotency-Key.');
    }
    return payload;
  });
}
