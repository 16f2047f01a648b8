-- Up Migration

-- The slugs an article had before a title change renamed it: links to an old slug keep leading to the article,
-- as a blog's old URLs should. A live article's own slug wins over any article's previous one.
CREATE TABLE article_previous_slugs (
  slug text PRIMARY KEY,
  article_id bigint NOT NULL REFERENCES articles ON DELETE CASCADE
);
CREATE INDEX article_previous_slugs_article_id ON article_previous_slugs (article_id);

-- Down Migration

DROP TABLE article_previous_slugs;
