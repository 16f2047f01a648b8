import { z } from 'zod';
import {
  email,
  maxLength,
  newPassword,
  nullableText,
  requiredObject,
  requiredText,
  username,
} from './fields.ts';

export const loginRequestSchema = requiredObject({
  user: requiredObject({
    email: requiredText(maxLength.email),
    password: requiredText(maxLength.password),
  }),
});
export type LoginRequest = z.infer<typeof loginRequestSchema>;

export const registerRequestSchema = requiredObject({
  user: requiredObject({ username: username(), email: email(), password: newPassword() }),
});
export type RegisterRequest = z.infer<typeof registerRequestSchema>;

const updatableUserFields = ['email', 'username', 'password', 'bio', 'image'] as const;

export const updateUserRequestSchema = requiredObject({
  user: requiredObject({
    email: email().optional(),
    username: username().optional(),
    password: newPassword().optional(),
    bio: nullableText(maxLength.bio).optional(),
    image: nullableText(maxLength.image).optional(),
  })
    .refine((fields) => Object.values(fields).some((value) => value !== undefined), {
      error: `must contain at least one of ${updatableUserFields.join(', ')}`,
    })
    .meta({ anyOf: updatableUserFields.map((field) => ({ required: [field] })) }),
});
export type UpdateUserRequest = z.infer<typeof updateUserRequestSchema>;

export const userSchema = z.object({
  email: z.string(),
  token: z.string(),
  username: z.string(),
  bio: z.string().nullable(),
  image: z.string().nullable(),
  refreshToken: z
    .string()
    .optional()
    .meta({
      description:
        'An extension to the spec, sent only by servers whose tokens are short-lived signed access tokens (stage 5): ' +
        'an opaque, single-use token to exchange at POST /api/users/refresh for a new token and refresh token once the token expires.',
    }),
});
export type User = z.infer<typeof userSchema>;

export const userResponseSchema = z.object({ user: userSchema });

/** `POST /api/users/refresh`, an extension to the spec. */
export const refreshRequestSchema = requiredObject({
  user: requiredObject({ refreshToken: requiredText(maxLength.refreshToken) }),
});
export type RefreshRequest = z.infer<typeof refreshRequestSchema>;
