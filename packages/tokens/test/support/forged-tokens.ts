import { randomUUID } from 'node:crypto';
import { type CryptoKey, decodeJwt, type JWTHeaderParameters, type JWTPayload, SignJWT } from 'jose';

/** The claims of a real access token with a fresh lifetime from `now`: each forgery changes one thing of them. */
export function claimsLike(token: string, now: Date, overrides: JWTPayload = {}): JWTPayload {
  const { iss, aud, sub, sid, client_id } = decodeJwt(token);
  const issuedAt = Math.floor(now.getTime() / 1000);
  return {
    iss,
    aud,
    sub,
    sid,
    client_id,
    iat: issuedAt,
    exp: issuedAt + 900,
    jti: randomUUID(),
    ...overrides,
  };
}

/** Signs with any key, as whoever holds it could; the header is the one the server issues unless overridden. */
export function signToken(
  key: { kid: string; privateKey: CryptoKey | Uint8Array },
  claims: JWTPayload,
  header: Partial<JWTHeaderParameters> = {},
): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt', kid: key.kid, ...header })
    .sign(key.privateKey);
}

const encodeSegment = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A JWT with `alg: none` and an empty signature: what jose refuses to make, written by hand. */
export function unsecuredToken(header: object, claims: JWTPayload): string {
  return `${encodeSegment({ ...header, alg: 'none' })}.${encodeSegment(claims)}.`;
}

/** The token with its payload replaced and its signature kept, as an attacker editing a claim would send it. */
export function withPayload(token: string, claims: JWTPayload): string {
  const [header, , signature] = token.split('.');
  return `${header}.${encodeSegment(claims)}.${signature}`;
}
