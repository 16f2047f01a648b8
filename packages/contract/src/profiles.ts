import { z } from 'zod';
import { nameParameter } from './fields.ts';

export const profileSchema = z.object({
  username: z.string(),
  bio: z.string().nullable(),
  image: z.string().nullable(),
  following: z.boolean(),
});
export type Profile = z.infer<typeof profileSchema>;

export const profileResponseSchema = z.object({ profile: profileSchema });

export const usernameParamsSchema = z.object({ username: nameParameter() });
