import {
  loginRequestSchema,
  noContentSchema,
  registerRequestSchema,
  updateUserRequestSchema,
  userResponseSchema,
} from '@scaling/contract';
import { hashPassword, unknownUserPasswordHash, verifyPassword } from '@scaling/password';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { emptyToNull, normalizeEmail } from '../domain/normalize.ts';
import { requireViewer } from '../http/authentication.ts';
import { invalidCredentials, taken, unauthorized } from '../http/http-error.ts';
import { errorResponses, tokenSecurity } from '../http/route-schemas.ts';
import type { ConduitOptions } from '../options.ts';
import { type CredentialAction, throttleCredentials } from './credential-throttle.ts';
import { refreshRoute, signedTokenLogoutDocs } from './refresh-route.ts';
import { toUserBody } from './user-body.ts';
import { takenFieldOf } from './user-repository.ts';

/** A unique violation that slipped past the pre-check (two registrations racing) is still a 409. */
function rethrowAsTaken(error: unknown): never {
  const field = takenFieldOf(error);
  throw field ? taken([field]) : error;
}

export const userRoutes: FastifyPluginAsyncZod<ConduitOptions> = async (
  app,
  { repositories, sessions, credentialThrottle },
) => {
  const { users } = repositories;

  /** Login and registration: throttled before any password is hashed, and never replayed (the answer holds a token). */
  const credentialRoute = (action: CredentialAction) => ({
    config: { idempotencyKey: 'refused' as const },
    ...(credentialThrottle ? { preHandler: throttleCredentials(credentialThrottle, action) } : {}),
  });

  app.post(
    '/users',
    {
      ...credentialRoute('registration'),
      schema: {
        tags: ['User and Authentication'],
        summary: 'Register a new user',
        body: registerRequestSchema,
        response: { 201: userResponseSchema, ...errorResponses(409, 422, 429) },
      },
    },
    async (request, reply) => {
      const username = request.body.user.username.trim();
      const email = normalizeEmail(request.body.user.email);
      const takenFields = await users.findTakenFields({ username, email }, null);
      if (takenFields.length > 0) throw taken(takenFields);
      const passwordHash = await hashPassword(request.body.user.password);
      const user = await users.insert({ username, email, passwordHash }).catch(rethrowAsTaken);
      return reply.code(201).send(toUserBody(user, await sessions.create(user.id)));
    },
  );

  app.post(
    '/users/login',
    {
      ...credentialRoute('login'),
      schema: {
        tags: ['User and Authentication'],
        summary: 'Log in an existing user',
        body: loginRequestSchema,
        response: { 200: userResponseSchema, ...errorResponses(401, 422, 429) },
      },
    },
    async (request) => {
      const credentials = await users.findCredentials(normalizeEmail(request.body.user.email));
      const passwordMatches = await verifyPassword(
        request.body.user.password,
        credentials?.passwordHash ?? (await unknownUserPasswordHash),
      );
      if (!credentials || !passwordMatches) throw invalidCredentials();
      const user = await users.findById(credentials.id);
      if (!user) throw invalidCredentials();
      return toUserBody(user, await sessions.create(user.id));
    },
  );

  // Not in the RealWorld spec, which leaves logout to the client forgetting its token: this ends the session on
  // the server too, so a copied token stops working at once instead of at its expiry. With signed access tokens
  // it ends the sign-in's refresh tokens; the access token itself runs until it expires (documented).
  app.post(
    '/users/logout',
    {
      config: { auth: 'required' },
      schema: {
        tags: ['User and Authentication'],
        ...(sessions.refresh
          ? signedTokenLogoutDocs
          : { summary: 'Log out: revoke the token this request carries (an extension to the spec)' }),
        security: tokenSecurity,
        response: { 204: noContentSchema, ...errorResponses(401) },
      },
    },
    async (request, reply) => {
      await sessions.revoke(requireViewer(request).token);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/user',
    {
      config: { auth: 'required' },
      schema: {
        tags: ['User and Authentication'],
        summary: 'Get the current user',
        security: tokenSecurity,
        response: { 200: userResponseSchema, ...errorResponses(401) },
      },
    },
    async (request) => {
      const viewer = requireViewer(request);
      const user = await users.findById(viewer.userId);
      // The session outlived its user (deleted since): the token no longer means anything.
      if (!user) throw unauthorized('is invalid');
      return toUserBody(user, { token: viewer.token });
    },
  );

  app.put(
    '/user',
    {
      config: { auth: 'required' },
      schema: {
        tags: ['User and Authentication'],
        summary: 'Update the current user',
        security: tokenSecurity,
        body: updateUserRequestSchema,
        response: { 200: userResponseSchema, ...errorResponses(401, 409, 422) },
      },
    },
    async (request) => {
      const viewer = requireViewer(request);
      const changes = request.body.user;
      const username = changes.username?.trim();
      const email = changes.email === undefined ? undefined : normalizeEmail(changes.email);
      if (username !== undefined || email !== undefined) {
        const takenFields = await users.findTakenFields({ username, email }, viewer.userId);
        if (takenFields.length > 0) throw taken(takenFields);
      }
      const passwordHash = changes.password === undefined ? undefined : await hashPassword(changes.password);
      const user = await users
        .update(viewer.userId, {
          username,
          email,
          passwordHash,
          bio: emptyToNull(changes.bio),
          image: emptyToNull(changes.image),
        })
        .catch(rethrowAsTaken);
      if (!user) throw unauthorized('is invalid');
      // A token stolen before the change must stop working; this device stays logged in. If this fails (503),
      // the change is saved and the client's retry of this PUT ends the other sessions.
      if (passwordHash !== undefined || user.emailChanged)
        await sessions.revokeOthers(viewer.userId, viewer.token);
      return toUserBody(user, { token: viewer.token });
    },
  );

  if (sessions.refresh) {
    const refresh = sessions.refresh.bind(sessions);
    await app.register(refreshRoute, { refresh, users });
  }
};
