import type { AccessTokenSettings, KeyRingOptions, RotationOptions } from '../../src/index.ts';

// Exported as @scaling/tokens/testing too: services that verify the app's tokens sign theirs with the same settings.

export const testEncryptionSecret = 'test-only-jwt-key-encryption-secret';

export function buildKeyRingOptions(overrides: Partial<KeyRingOptions> = {}): KeyRingOptions {
  return { refreshSeconds: 30, encryptionSecret: testEncryptionSecret, ...overrides };
}

export function buildAccessTokenSettings(overrides: Partial<AccessTokenSettings> = {}): AccessTokenSettings {
  return {
    issuer: 'scaling-conduit',
    audience: 'conduit-api',
    ttlSeconds: 900,
    clockSkewSeconds: 30,
    ...overrides,
  };
}

export function buildRotationOptions(overrides: Partial<RotationOptions> = {}): RotationOptions {
  return {
    encryptionSecret: testEncryptionSecret,
    activateAfterSeconds: 60,
    accessTtlSeconds: 900,
    leewaySeconds: 60,
    ...overrides,
  };
}
