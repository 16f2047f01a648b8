import { z } from 'zod';
import { maxLength, nameParameter, requiredObject, requiredText, timestamp } from './fields.ts';
import { profileSchema } from './profiles.ts';

export const newCommentRequestSchema = requiredObject({
  comment: requiredObject({ body: requiredText(maxLength.comment) }),
});
export type NewCommentRequest = z.infer<typeof newCommentRequestSchema>;

export const commentSchema = z.object({
  id: z.number().int(),
  createdAt: timestamp(),
  updatedAt: timestamp(),
  body: z.string(),
  author: profileSchema,
});
export type Comment = z.infer<typeof commentSchema>;

export const singleCommentResponseSchema = z.object({ comment: commentSchema });
export const multipleCommentsResponseSchema = z.object({ comments: z.array(commentSchema) });

export const commentParamsSchema = z.object({
  slug: nameParameter(),
  id: z.coerce
    .number({ error: 'must be an integer' })
    .int({ error: 'must be an integer' })
    .min(1, { error: 'must be at least 1' })
    .max(Number.MAX_SAFE_INTEGER, { error: 'is out of range' }),
});
