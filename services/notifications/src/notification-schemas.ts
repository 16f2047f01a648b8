import { z } from 'zod';

export const notificationTypes = [
  'article.published',
  'comment.added',
  'article.favorited',
  'user.followed',
] as const;

export const notificationSchema = z.object({
  id: z.number().int(),
  type: z.enum(notificationTypes),
  /** When the event happened in the app, not when the service learned of it. */
  createdAt: z.iso.datetime(),
  /** Who did it; username null until the service has seen that user's registration event. */
  actor: z.object({ username: z.string().nullable() }),
  /** The article concerned; null for a follow. */
  article: z.object({ slug: z.string(), title: z.string() }).nullable(),
});
export type Notification = z.infer<typeof notificationSchema>;

export const notificationsResponseSchema = z.object({
  notifications: z.array(notificationSchema),
  notificationsCount: z.number().int(),
});
