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
});
export type User = z.infer<typeof userSchema>;

export const userResponseSchema = z.object({ user: userSchema });
