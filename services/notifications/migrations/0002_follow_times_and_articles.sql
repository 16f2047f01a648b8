-- Up Migration

-- When each follow began (the user.followed event's occurredAt), so that whether a reader hears of an article no
-- longer depends on which of the two events the consumer applied first. Follows from before this column existed
-- count as always.
ALTER TABLE follows ADD COLUMN since timestamptz NOT NULL DEFAULT '-infinity';

-- The service's own copy of the articles' headlines, from article.published, article.updated and article.deleted:
-- a follow applied after the article it preceded finds it here. event_id is the article.published event's, so a
-- notification made from this copy and one made from the event itself are the same (event_id, recipient_id).
CREATE TABLE articles (
  article_id bigint PRIMARY KEY,
  author_id bigint NOT NULL,
  event_id uuid NOT NULL,
  slug text NOT NULL,
  title text NOT NULL,
  published_at timestamptz NOT NULL
);

-- An author's articles published since a follow began, read as one index range.
CREATE INDEX articles_author_published ON articles (author_id, published_at);

-- Down Migration

DROP TABLE articles;
ALTER TABLE follows DROP COLUMN since;
