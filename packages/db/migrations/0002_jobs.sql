-- Up Migration

-- The background job queue lives in Postgres so a job commits (or rolls back) together with the change that caused it.
CREATE TABLE jobs (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kind text NOT NULL,
  payload jsonb NOT NULL DEFAULT '{}',
  run_at timestamptz NOT NULL DEFAULT now(),
  attempts integer NOT NULL DEFAULT 0,
  max_attempts integer NOT NULL DEFAULT 5 CHECK (max_attempts > 0),
  -- A lease, not a lock: when a worker dies mid-job the lease runs out and another worker claims the job again.
  locked_until timestamptz NULL,
  last_error text NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz NULL,
  failed_at timestamptz NULL
);

-- Finished and dead jobs stay for inspection; the partial index keeps the ready-to-run lookup small regardless.
CREATE INDEX jobs_ready_idx ON jobs (run_at) WHERE finished_at IS NULL AND failed_at IS NULL;

CREATE TABLE notifications (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id bigint NOT NULL REFERENCES users ON DELETE CASCADE,
  article_id bigint NOT NULL REFERENCES articles ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  -- A retried notify-followers job must never notify anyone twice.
  UNIQUE (user_id, article_id)
);

CREATE INDEX notifications_user_created_idx ON notifications (user_id, created_at DESC);

CREATE TABLE popular_tags (
  tag text PRIMARY KEY,
  article_count integer NOT NULL,
  computed_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX popular_tags_count_idx ON popular_tags (article_count DESC, tag);

-- Down Migration

DROP TABLE popular_tags;
DROP TABLE notifications;
DROP TABLE jobs;
