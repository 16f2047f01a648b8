import type { Placeholder, RequestTemplate } from './types.ts';

/**
 * How a load generator turns templates into requests, shared by the bench (autocannon and its own open-model
 * driver) and the k6 scripts. Randomness comes in as numbers in [0, 1), so each caller keeps its own generator.
 */

export type PlaceholderValues = Record<Placeholder, () => string>;

/** Draws templates in proportion to their weights. */
export function createRequestPicker(requests: RequestTemplate[]): (random: number) => RequestTemplate {
  if (requests.length === 0) throw new Error('A scenario needs at least one request in its mix.');
  const cumulative: number[] = [];
  let totalWeight = 0;
  for (const request of requests) {
    if (!(request.weight > 0)) throw new Error(`Request "${request.name}" needs a positive weight.`);
    totalWeight += request.weight;
    cumulative.push(totalWeight);
  }
  return (random) => {
    const target = random * totalWeight;
    const index = cumulative.findIndex((bound) => target < bound);
    return requests[index === -1 ? requests.length - 1 : index] as RequestTemplate;
  };
}

/** Replaces `{slug}`-style placeholders; unknown ones stay as they are. */
export function fillPlaceholders(
  template: string,
  values: PlaceholderValues,
  encode: (value: string) => string = (value) => value,
): string {
  return template.replace(/\{(\w+)\}/g, (match, key: string) =>
    key in values ? encode(values[key as Placeholder]()) : match,
  );
}

/** The request's path with URL-encoded values, and its JSON body (if any) with the placeholders filled. */
export function resolveTemplate(
  template: RequestTemplate,
  values: PlaceholderValues,
): { path: string; body: string | undefined } {
  return {
    path: fillPlaceholders(template.path, values, encodeURIComponent),
    body: template.body
      ? JSON.stringify(template.body, (_key, value) =>
          typeof value === 'string' ? fillPlaceholders(value, values) : value,
        )
      : undefined,
  };
}

/** 'optional' sends a token on about half of the requests, like a mix of readers and logged-in users. */
export function sendsToken(template: RequestTemplate, random: number): boolean {
  return template.auth === 'required' || (template.auth === 'optional' && random < 0.5);
}

/** Writes sent with POST are the ones an `Idempotency-Key` makes safe to retry (PUT and DELETE already are). */
export function carriesIdempotencyKey(template: RequestTemplate): boolean {
  return template.method === 'POST' && template.write === true;
}

/** The n-th key of a run: the prefix must be new for every run, since the API keeps a key for a day. */
export function idempotencyKey(runPrefix: string, sequence: number): string {
  return `${runPrefix}-${sequence}`;
}

export interface PreparedRequest {
  path: string;
  body: string | undefined;
  headers: Record<string, string>;
}

/**
 * A template made ready to send: placeholders filled, JSON headers, a token from `token` when the template sends one
 * (`random` decides for 'optional'), and a key from `nextKey`, when given, on the writes a key makes safe to retry.
 */
export function prepareRequest(
  template: RequestTemplate,
  values: PlaceholderValues,
  random: number,
  token: () => string,
  nextKey?: () => string,
): PreparedRequest {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (sendsToken(template, random)) headers.authorization = `Token ${token()}`;
  const { path, body } = resolveTemplate(template, values);
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (nextKey !== undefined && carriesIdempotencyKey(template)) headers['idempotency-key'] = nextKey();
  return { path, body, headers };
}
