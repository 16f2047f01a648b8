import {
  type IdempotencyScope,
  type IdempotencyStore,
  isValidIdempotencyKey,
  maxIdempotencyKeyLength,
  type StoredResponse,
} from '@scaling/idempotency';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { HttpError, unprocessable } from './http-error.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * 'refused' on routes whose answer carries a secret (a session token): a stored answer would hand that secret
     * to whoever sends the key again, so such a route answers a keyed request with 422 instead.
     */
    idempotencyKey?: 'refused';
  }
}

const field = 'Idempotency-Key';
export const idempotencyMessages = {
  malformed: `must be 1 to ${maxIdempotencyKeyLength} visible ASCII characters, such as a UUID`,
  inFlight: 'is in use by a request that has not finished yet; retry in a moment',
  interrupted:
    'belongs to a request that stopped before it answered, so whether it took effect is unknown; check, then send it again with a new key',
  mismatch: 'was already used with a different request body; use a new key for a new request',
  refused:
    'is not accepted here: the answer carries a session token, which must not be replayed to whoever sends the key again; send the request without it (retrying a login is safe, and a registration that went through answers 409)',
  notKept:
    'belongs to a request that took effect, but its answer was too large to keep for a replay; fetch the result instead of sending the request again',
};

/** What a retry gets when the first answer cannot be replayed: a 409 in the RealWorld shape, like the others. */
const conflictAnswer = (message: string): StoredResponse => ({
  statusCode: 409,
  contentType: 'application/json; charset=utf-8',
  body: JSON.stringify({ errors: { [field]: [message] } }),
});

const writingRequests = new WeakSet<FastifyRequest>();

/**
 * A route calls this just before it starts to change data. From then on a 503 no longer frees the request's
 * Idempotency-Key: the change may have committed (an answer lost after COMMIT, a read after it failing), and a
 * retry must not make it twice. Before it, a 503 means nothing was written, and the retry it asks for may run.
 */
export function writeBegins(request: FastifyRequest): void {
  writingRequests.add(request);
}

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
 * claims nothing). A 503 frees the key for the retry it asks for only if the route had not begun to write
 * (`writeBegins`); after that, the retry is told the outcome is unknown. An answer over the store's body cap is
 * kept as a 409 that says the request took effect.
 */
export function useIdempotency(app: FastifyInstance, store: IdempotencyStore): void {
  const claims = new WeakMap<FastifyRequest, Claim>();

  app.addHook('preHandler', async (request, reply) => {
    const key = idempotencyKeyOf(request);
    if (key === null) return;
    if (request.routeOptions.config.idempotencyKey === 'refused')
      throw unprocessable(field, idempotencyMessages.refused);
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
      if (reply.statusCode === 503 && !writingRequests.has(request)) await store.release(claim.scope);
      else await store.complete(claim.scope, claim.fingerprint, answerToKeep(store, reply, payload));
    } catch (error) {
      // The answer still goes out; the key stays claimed, so a retry gets 409 rather than a second run.
      request.log.warn({ err: error }, 'The response could not be stored for its Idempotency-Key.');
    }
    return payload;
  });
}

/** The answer a retry will get: the first one byte for byte when it can be replayed, else a 409 saying why not. */
function answerToKeep(store: IdempotencyStore, reply: FastifyReply, payload: unknown): StoredResponse {
  // A 503 after the write began: whether it committed is unknown, and replaying "retry later" would never end.
  if (reply.statusCode === 503) return conflictAnswer(idempotencyMessages.interrupted);
  const body = typeof payload === 'string' ? payload : null;
  if (body !== null && Buffer.byteLength(body) > store.maxBodyBytes) {
    return conflictAnswer(idempotencyMessages.notKept);
  }
  return {
    statusCode: reply.statusCode,
    contentType: (reply.getHeader('content-type') as string | undefined) ?? null,
    body,
  };
}
