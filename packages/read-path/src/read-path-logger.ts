/** The part of the app's logger the read path uses (app.log fits). */
export interface ReadPathLogger {
  warn(details: object, message: string): void;
}
