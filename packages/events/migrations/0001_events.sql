-- Up Migration

-- The transactional outbox: a change and the event that announces it commit together, so neither exists alone.
-- The relay publishes rows in position order and stamps published_at; unpublished rows simply wait for it.
CREATE TABLE outbox (
  position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  event_id uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
  topic text NOT NULL,
  key text NOT NULL,
  type text NOT NULL,
  payload jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  published_at timestamptz
);

-- Published rows stay for inspection; the partial index keeps the relay's lookup the size of the backlog.
CREATE INDEX outbox_unpublished_idx ON outbox (position) WHERE published_at IS NULL;

-- A consumer records each event it applied in the same transaction as the effect, so a redelivery is a no-op.
CREATE TABLE processed_events (
  consumer text NOT NULL,
  event_id uuid NOT NULL,
  processed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (consumer, event_id)
);

-- Down Migration

DROP TABLE processed_events;
DROP TABLE outbox;
