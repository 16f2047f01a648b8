/** What went wrong in the service; `code` is stable, the message says what to do. */
export type NotificationsErrorCode = 'NOTIFICATIONS_EVENT_MALFORMED' | 'NOTIFICATIONS_KEYS_UNAVAILABLE';

export class NotificationsError extends Error {
  readonly code: NotificationsErrorCode;

  constructor(code: NotificationsErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'NotificationsError';
    this.code = code;
  }
}
