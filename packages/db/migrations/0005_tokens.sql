-- Up Migration

-- The keys that sign access tokens live here, so every replica (native, Docker, Kubernetes) verifies with the same
-- set and a rotation needs no file to be copied anywhere. The private half is sealed by the application.
CREATE TABLE signing_keys (
  kid text PRIMARY KEY,
  algorithm text NOT NULL,
  public_jwk jsonb NOT NULL,
  private_jwk_sealed text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  -- Later than created_at, so every replica has loaded a new key before any replica signs with it.
  signs_from timestamptz NOT NULL,
  retired_at timestamptz NULL,
  -- A retired key still verifies the tokens it signed until the longest-lived of them has expired.
  verify_until timestamptz NULL
);

-- A family is one sign-in: every refresh rotates its token, and a token used twice revokes the whole family.
CREATE TABLE refresh_token_families (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id bigint NOT NULL REFERENCES users ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  -- Absolute: rotation never extends it, so a stolen family dies on its own.
  expires_at timestamptz NOT NULL,
  revoked_at timestamptz NULL,
  revoked_reason text NULL CHECK (revoked_reason IN ('logout', 'reuse', 'credentials-changed'))
);
CREATE INDEX refresh_token_families_user_id_idx ON refresh_token_families (user_id);

-- Only a hash of each opaque token is stored: a leaked table holds nothing that can be presented.
CREATE TABLE refresh_tokens (
  token_hash text PRIMARY KEY,
  family_id uuid NOT NULL REFERENCES refresh_token_families ON DELETE CASCADE,
  issued_at timestamptz NOT NULL DEFAULT now(),
  used_at timestamptz NULL
);
CREATE INDEX refresh_tokens_family_id_idx ON refresh_tokens (family_id);

-- Down Migration

DROP TABLE refresh_tokens;
DROP TABLE refresh_token_families;
DROP TABLE signing_keys;
