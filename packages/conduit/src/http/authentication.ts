import { errorMessages } from '@scaling/contract';
import type { SessionStore } from '@scaling/sessions';
import type { FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import { unauthorized } from './http-error.ts';

export interface Viewer {
  userId: number;
  token: string;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** 'required': 401 without a valid token; 'optional': anonymous allowed, but a bad token is still a 401. */
    auth?: 'required' | 'optional';
  }
  interface FastifyRequest {
    viewer: Viewer | null;
  }
}

const tokenHeader = /^Token ([^\s]+)$/;

/** Runs on onRequest, before the body is read: a request without a valid token costs no parsing. */
export function authenticate(sessions: SessionStore): onRequestAsyncHookHandler {
  return async (request) => {
    const mode = request.routeOptions.config.auth;
    if (mode === undefined) return;
    const header = request.headers.authorization?.trim();
    if (!header) {
      if (mode === 'required') throw unauthorized(errorMessages.missing);
      return;
    }
    const token = tokenHeader.exec(header)?.[1];
    if (token === undefined) throw unauthorized('is malformed; send "Authorization: Token <token>"');
    const userId = await sessions.resolve(token);
    if (userId === null) throw unauthorized(errorMessages.invalid);
    request.viewer = { userId, token };
  };
}

/** For routes configured with auth 'required': the hook guarantees a viewer. */
export function requireViewer(request: FastifyRequest): Viewer {
  if (request.viewer === null) throw unauthorized(errorMessages.missing);
  return request.viewer;
}

export const viewerId = (request: FastifyRequest): number | null => request.viewer?.userId ?? null;
