-- Up Migration

-- An author's articles and everything on them. Users live in the global database, so author and user ids carry
-- no foreign key. Article and comment ids come from this shard's own range (set after the migrations, see
-- src/id-range.ts) and are kept when an author's rows move to another shard.
CREATE TABLE articles (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  slug text NOT NULL UNIQUE,
  title text NOT NULL,
  description text NOT NULL,
  body text NOT NULL,
  author_id bigint NOT NULL,
  favorites_count integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX articles_created_at_id_idx ON articles (created_at DESC, id DESC);
CREATE INDEX articles_author_id_created_at_id_idx ON articles (author_id, created_at DESC, id DESC);

CREATE TABLE tags (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name text NOT NULL UNIQUE
);

CREATE TABLE article_tags (
  article_id bigint REFERENCES articles ON DELETE CASCADE,
  tag_id bigint REFERENCES tags ON DELETE CASCADE,
  PRIMARY KEY (article_id, tag_id)
);
CREATE INDEX article_tags_tag_id_article_id_idx ON article_tags (tag_id, article_id);

CREATE TABLE favorites (
  user_id bigint NOT NULL,
  article_id bigint NOT NULL REFERENCES articles ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, article_id)
);
CREATE INDEX favorites_article_id_idx ON favorites (article_id);

CREATE TABLE comments (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  article_id bigint NOT NULL REFERENCES articles ON DELETE CASCADE,
  author_id bigint NOT NULL,
  body text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX comments_article_id_created_at_id_idx ON comments (article_id, created_at DESC, id DESC);

CREATE TABLE article_previous_slugs (
  slug text PRIMARY KEY,
  article_id bigint NOT NULL REFERENCES articles ON DELETE CASCADE
);
CREATE INDEX article_previous_slugs_article_id ON article_previous_slugs (article_id);

-- The resharding fence: an author whose rows left this shard (writers retry on to_shard, readers skip the old
-- copies), and one whose copies are being written here (readers skip them until the move commits).
CREATE TABLE departed_authors (
  author_id bigint PRIMARY KEY,
  to_shard text NOT NULL,
  departed_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE arriving_authors (author_id bigint PRIMARY KEY);

-- Down Migration

DROP TABLE arriving_authors;
DROP TABLE departed_authors;
DROP TABLE article_previous_slugs;
DROP TABLE comments;
DROP TABLE favorites;
DROP TABLE article_tags;
DROP TABLE tags;
DROP TABLE articles;
