/**
 * An error whose `code` is stable: callers switch on the code, never on the message or on the class, since each
 * package declares its own subclass and a class is never matched across packages. The name is the subclass's own,
 * so `class ShardsError extends CodedError<ShardsErrorCode> {}` needs no constructor.
 */
export class CodedError<Code extends string> extends Error {
  readonly code: Code;

  constructor(code: Code, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}
