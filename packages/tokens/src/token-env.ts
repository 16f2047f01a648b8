import { z } from 'zod';
import type { AccessTokenSettings } from './access-tokens.ts';
import type { KeyRingOptions } from './key-ring.ts';
import type { RotationOptions } from './rotation.ts';
import { minEncryptionSecretLength } from './sealing.ts';

const seconds = (min: number, fallback: number) => z.coerce.number().int().min(min).default(fallback);

/** Stage 5's token settings, validated with the rest of its configuration at boot; defaults in the README. */
export const tokenEnv = {
  JWT_ISSUER: z.string().min(1).default('scaling-conduit'),
  JWT_AUDIENCE: z.string().min(1).default('conduit-api'),
  JWT_ACCESS_TTL_SECONDS: seconds(60, 900),
  JWT_CLOCK_SKEW_SECONDS: seconds(0, 30),
  JWT_KEYS_REFRESH_SECONDS: seconds(1, 30),
  JWT_KEY_ENCRYPTION_SECRET: z
    .string()
    .min(
      minEncryptionSecretLength,
      `needs at least ${minEncryptionSecretLength} characters: set a random value (openssl rand -base64 32), the same on every replica`,
    ),
  REFRESH_TOKEN_TTL_SECONDS: seconds(60, 604_800),
};

export interface TokenConfig {
  JWT_ISSUER: string;
  JWT_AUDIENCE: string;
  JWT_ACCESS_TTL_SECONDS: number;
  JWT_CLOCK_SKEW_SECONDS: number;
  JWT_KEYS_REFRESH_SECONDS: number;
  JWT_KEY_ENCRYPTION_SECRET: string;
}

export function accessTokenSettings(config: TokenConfig): AccessTokenSettings {
  return {
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
    ttlSeconds: config.JWT_ACCESS_TTL_SECONDS,
    clockSkewSeconds: config.JWT_CLOCK_SKEW_SECONDS,
  };
}

export function keyRingOptions(config: TokenConfig): KeyRingOptions {
  return {
    refreshSeconds: config.JWT_KEYS_REFRESH_SECONDS,
    encryptionSecret: config.JWT_KEY_ENCRYPTION_SECRET,
  };
}

/**
 * A new key signs after two reload periods, so every replica has loaded it first even when a reload was just
 * missed. The old key verifies one token lifetime after its last signature, plus the skew twice: a signer whose
 * clock is behind signs with it a little later, and a verifier accepts a token a little past its exp.
 */
export function rotationOptions(config: TokenConfig): RotationOptions {
  return {
    encryptionSecret: config.JWT_KEY_ENCRYPTION_SECRET,
    activateAfterSeconds: 2 * config.JWT_KEYS_REFRESH_SECONDS,
    accessTtlSeconds: config.JWT_ACCESS_TTL_SECONDS,
    leewaySeconds: 2 * config.JWT_CLOCK_SKEW_SECONDS,
  };
}
