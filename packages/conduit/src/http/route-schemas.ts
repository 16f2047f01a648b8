import { errorBodySchema } from '@scaling/contract';

/** Documents the RealWorld error body for each listed status in the OpenAPI output. */
export function errorResponses<const Status extends number>(...statuses: Status[]) {
  return Object.fromEntries(statuses.map((status) => [status, errorBodySchema])) as Record<
    Status,
    typeof errorBodySchema
  >;
}

/** OpenAPI security requirement for routes that need `Authorization: Token <token>`. */
export const tokenSecurity = [{ Token: [] }];
