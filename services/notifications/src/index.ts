export { buildNotificationsApp, type NotificationsAppOptions } from './app.ts';
export { loadConfig, type NotificationsConfig } from './config.ts';
export { consumerGroup } from './consumer-plugin.ts';
export { NotificationsError, type NotificationsErrorCode } from './errors.ts';
export { applyEvent } from './event-effects.ts';
export { migrateNotifications, notificationsMigrationsDir } from './migrations.ts';
export { type Notification, notificationsResponseSchema } from './notification-schemas.ts';
export { type RemoteKeysOptions, remoteVerificationKeys } from './remote-keys.ts';
