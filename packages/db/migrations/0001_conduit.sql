-- Up Migration

CREATE TABLE users (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  username text NOT NULL UNIQUE,
  -- Stored lower-cased by the application, so the plain unique index makes emails case-insensitive.
  email text NOT NULL UNIQUE,
  password_hash text NOT NULL,
  bio text NULL,
  image text NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE follows (
  follower_id bigint REFERENCES users ON DELETE CASCADE,
  followee_id bigint REFERENCES users ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (follower_id, followee_id)
);
CREATE INDEX follows_followee_id_idx ON follows (followee_id);

CREATE TABLE articles (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  slug text NOT NULL UNIQUE,
  title text NOT NULL,
  description text NOT NULL,
  body text NOT NULL,
  author_id bigint NOT NULL REFERENCES users ON DELETE CASCADE,
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
  user_id bigint REFERENCES users ON DELETE CASCADE,
  article_id bigint REFERENCES articles ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, article_id)
);
CREATE INDEX favorites_article_id_idx ON favorites (article_id);

CREATE TABLE comments (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  article_id bigint NOT NULL REFERENCES articles ON DELETE CASCADE,
  author_id bigint NOT NULL REFERENCES users ON DELETE CASCADE,
  body text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX comments_article_id_created_at_id_idx ON comments (article_id, created_at DESC, id DESC);

-- Down Migration

DROP TABLE comments;
DROP TABLE favorites;
DROP TABLE article_tags;
DROP TABLE tags;
DROP TABLE articles;
DROP TABLE follows;
DROP TABLE users;
