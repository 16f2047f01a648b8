import closeWithGrace from 'close-with-grace';

export interface ShutdownLogger {
  info(details: object, message: string): void;
  error(details: object, message: string): void;
}

/**
 * On SIGTERM or SIGINT (and on an uncaught error) runs `close` once: stop taking work, finish what is in flight,
 * release the pools. After `delayMs` the process exits anyway, so a stuck close cannot keep it alive forever.
 */
export function closeGracefully(
  logger: ShutdownLogger,
  processName: string,
  close: () => Promise<void>,
  delayMs = 10_000,
): void {
  closeWithGrace({ delay: delayMs }, async ({ signal, err }) => {
    if (err) logger.error({ err }, `The ${processName} is closing because of an error.`);
    else logger.info({ signal }, `The ${processName} is closing: finishing the work in flight.`);
    await close();
  });
}
