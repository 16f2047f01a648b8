import { errorMessages } from '@scaling/contract';

/** An expected failure with its RealWorld body; the error handler sends it as is. */
export class HttpError extends Error {
  readonly statusCode: number;
  readonly errors: Record<string, string[]>;

  constructor(statusCode: number, errors: Record<string, string[]>) {
    super(
      Object.entries(errors)
        .map(([field, messages]) => `${field} ${messages.join(', ')}`)
        .join('; '),
    );
    this.name = 'HttpError';
    this.statusCode = statusCode;
    this.errors = errors;
  }
}

export const unauthorized = (message: string) => new HttpError(401, { token: [message] });
export const invalidRefreshToken = () => new HttpError(401, { refreshToken: [errorMessages.invalid] });
export const invalidCredentials = () => new HttpError(401, { credentials: [errorMessages.credentials] });
export const forbidden = (resource: string) => new HttpError(403, { [resource]: [errorMessages.forbidden] });
export const notFound = (resource: string) => new HttpError(404, { [resource]: [errorMessages.notFound] });
export const unprocessable = (field: string, message: string) => new HttpError(422, { [field]: [message] });
export const taken = (fields: readonly string[]) =>
  new HttpError(409, Object.fromEntries(fields.map((field) => [field, [errorMessages.taken]])));
