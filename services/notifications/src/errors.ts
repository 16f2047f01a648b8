import { CodedError } from '@scaling/errors';

/** What went wrong in the service; `code` is stable, the message says what to do. */
export type NotificationsErrorCode = 'NOTIFICATIONS_EVENT_MALFORMED' | 'NOTIFICATIONS_KEYS_UNAVAILABLE';

export class NotificationsError extends CodedError<NotificationsErrorCode> {}
