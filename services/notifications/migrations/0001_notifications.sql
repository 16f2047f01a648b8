-- Up Migration

-- What the service knows of the app's users, from user.registered and user.updated: only the name it shows. The app
-- keeps the accounts; this copy is the service's own, so a page of notifications never asks the app's database.
CREATE TABLE people (
  id bigint PRIMARY KEY,
  username text NOT NULL
);

-- Who follows whom, from user.followed and user.unfollowed: the recipients of an author's new article.
CREATE TABLE follows (
  followee_id bigint NOT NULL,
  follower_id bigint NOT NULL,
  PRIMARY KEY (followee_id, follower_id)
);

-- One row per recipient of an event. (event_id, recipient_id) is unique, so an event applied twice cannot notify
-- anyone twice even past the consumer's own deduplication; created_at is when the event happened.
CREATE TABLE notifications (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  event_id uuid NOT NULL,
  recipient_id bigint NOT NULL,
  type text NOT NULL CHECK (type IN ('article.published', 'comment.added', 'article.favorited', 'user.followed')),
  actor_id bigint NOT NULL,
  article_id bigint,
  slug text,
  title text,
  created_at timestamptz NOT NULL,
  UNIQUE (event_id, recipient_id)
);

-- A recipient's page, newest first, read straight off the index.
CREATE INDEX notifications_recipient_recent ON notifications (recipient_id, created_at DESC, id DESC);
-- An article's notifications, for its renames and its deletion.
CREATE INDEX notifications_article ON notifications (article_id) WHERE article_id IS NOT NULL;

-- Down Migration

DROP TABLE notifications;
DROP TABLE follows;
DROP TABLE people;
