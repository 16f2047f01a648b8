-- Up Migration

-- One weekly digest per user and week: the primary key makes a retried or repeated weekly-digest job overwrite the
-- digest instead of adding a second one.
CREATE TABLE digests (
  user_id bigint NOT NULL REFERENCES users ON DELETE CASCADE,
  -- The Monday (UTC) the digest's week starts on.
  week date NOT NULL,
  body text NOT NULL,
  article_count integer NOT NULL,
  -- When this digest was last rendered: a rerun renders it again with the counts of that moment.
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, week)
);

-- Down Migration

DROP TABLE digests;
