/** The slice of pino the relay and consumers use; any pino logger (or app.log) fits. */
export interface EventsLogger {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}
