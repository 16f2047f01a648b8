import { profileResponseSchema, usernameParamsSchema } from '@scaling/contract';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { requireViewer, viewerId } from '../http/authentication.ts';
import { HttpError, notFound } from '../http/http-error.ts';
import { errorResponses, tokenSecurity } from '../http/route-schemas.ts';
import { rethrowVanishedRow } from '../http/vanished-row.ts';
import type { ConduitOptions } from '../options.ts';
import type { ProfileRecord } from './profile-repository.ts';

const toProfileBody = ({ username, bio, image, following }: ProfileRecord) => ({
  profile: { username, bio, image, following },
});

export const profileRoutes: FastifyPluginAsyncZod<ConduitOptions> = async (app, { repositories }) => {
  const { profiles } = repositories;

  async function findProfile(username: string, viewer: number | null): Promise<ProfileRecord> {
    const profile = await profiles.findByUsername(username, viewer);
    if (!profile) throw notFound('profile');
    return profile;
  }

  app.get(
    '/profiles/:username',
    {
      config: { auth: 'optional' },
      schema: {
        tags: ['Profile'],
        summary: 'Get a profile',
        params: usernameParamsSchema,
        response: { 200: profileResponseSchema, ...errorResponses(401, 404) },
      },
    },
    async (request) => toProfileBody(await findProfile(request.params.username, viewerId(request))),
  );

  app.post(
    '/profiles/:username/follow',
    {
      config: { auth: 'required' },
      schema: {
        tags: ['Profile'],
        summary: 'Follow a user',
        security: tokenSecurity,
        params: usernameParamsSchema,
        response: { 200: profileResponseSchema, ...errorResponses(401, 403, 404, 422) },
      },
    },
    async (request) => {
      const { userId } = requireViewer(request);
      const profile = await findProfile(request.params.username, userId);
      // 403, not 422: the request is well formed; who sends it is what makes it not allowed.
      if (profile.id === userId)
        throw new HttpError(403, { profile: ['cannot be followed by its own user'] });
      await profiles.follow(userId, profile.id).catch(rethrowVanishedRow);
      return toProfileBody({ ...profile, following: true });
    },
  );

  app.delete(
    '/profiles/:username/follow',
    {
      config: { auth: 'required' },
      schema: {
        tags: ['Profile'],
        summary: 'Unfollow a user',
        security: tokenSecurity,
        params: usernameParamsSchema,
        response: { 200: profileResponseSchema, ...errorResponses(401, 404) },
      },
    },
    async (request) => {
      const { userId } = requireViewer(request);
      const profile = await findProfile(request.params.username, userId);
      await profiles.unfollow(userId, profile.id);
      return toProfileBody({ ...profile, following: false });
    },
  );
};
