-- Up Migration

-- What clients look up by name, mapped to the article's owner: the ring maps the owner to a shard. Current and
-- previous slugs both live here, so a slug is unique across all shards (claimed here before a shard commits).
CREATE TABLE article_directory (
  slug text PRIMARY KEY,
  article_id bigint NOT NULL,
  author_id bigint NOT NULL REFERENCES users ON DELETE CASCADE,
  current boolean NOT NULL
);
CREATE INDEX article_directory_article_id_idx ON article_directory (article_id);

-- The ring's members: 'active' shards place authors; a 'joining' one receives moved authors and is read from.
CREATE TABLE shard_ring (
  name text PRIMARY KEY,
  state text NOT NULL CHECK (state IN ('active', 'joining')),
  added_at timestamptz NOT NULL DEFAULT now()
);

-- Authors being moved by resharding: 'moved' overrides the ring until the target shard joins it.
CREATE TABLE author_moves (
  author_id bigint PRIMARY KEY,
  from_shard text NOT NULL,
  to_shard text NOT NULL,
  state text NOT NULL CHECK (state IN ('moving', 'moved')),
  moved_at timestamptz
);

-- Down Migration

DROP TABLE author_moves;
DROP TABLE shard_ring;
DROP TABLE article_directory;
