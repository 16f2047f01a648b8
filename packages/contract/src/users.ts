import { z } from 'zod';
import { email, newPassword, nullableText, requiredObject, requiredText, username } from './fields.ts';

export const loginRequestSchema = requiredObject({
  user: requiredObject({ email: requiredText(), password: requiredText() }),
});
export type LoginRequest = z.infer<typeof loginRequestSchema>;

export const registerRequestSchema = requiredObject({
  user: requiredObject({ username: username(), email: email(), password: newPassword() }),
});
export type RegisterRequest = z.infer<typeof registerRequestSchema>;

export const updateUserRequestSchema = requiredObject({
  user: requiredObject({
    email: email().optional(),
    username: username().optional(),
    password: newPassword().optional(),
    bio: nullableText().optional(),
    image: nullableText().optional(),
  }).refine((fields) => Object.values(fields).some((value) => value !== undefined), {
    error: 'must contain at least one of email, username, password, bio, image',
  }),
});
export type UpdateUserRequest = z.infer<typeof updateUserRequestSchema>;

export const userSchema = z.object({
  email: z.string(),
  token: z.string(),
  username: z.string(),
  bio: z.string().nullable(),
  image: z.string().nullable(),
});
export type User = z.infer<typeof userSchema>;

export const userResponseSchema = z.object({ user: userSchema });
