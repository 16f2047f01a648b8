import { errorMessages, HttpError } from '@scaling/contract';

// The class is the contract's (the notifications service answers with it too); the app's usual answers are here.
export { HttpError };

export const unauthorized = (message: string) => new HttpError(401, { token: [message] });
export const invalidRefreshToken = () => new HttpError(401, { refreshToken: [errorMessages.invalid] });
export const invalidCredentials = () => new HttpError(401, { credentials: [errorMessages.credentials] });
export const forbidden = (resource: string) => new HttpError(403, { [resource]: [errorMessages.forbidden] });
export const notFound = (resource: string) => new HttpError(404, { [resource]: [errorMessages.notFound] });
export const unprocessable = (field: string, message: string) => new HttpError(422, { [field]: [message] });
export const taken = (fields: readonly string[]) =>
  new HttpError(409, Object.fromEntries(fields.map((field) => [field, [errorMessages.taken]])));
