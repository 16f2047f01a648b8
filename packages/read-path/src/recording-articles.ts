import { type ArticleRepository, createArticleRepository } from '@scaling/conduit';
import type { Queryable } from '@scaling/db';
import { type ArticleFacts, describeArticle } from './article-facts.ts';
import type { ChangeSet } from './change-set.ts';

/**
 * The article repository on `db` (the primary, or a transaction's connection), noting in `changes` what each write
 * changes. An article is described once, before this change set's first write to it (its old slug and tags are
 * what the cache and the edge hold); later writes add what they bring (a new slug, new tags).
 */
export function createRecordingArticles(db: Queryable, changes: ChangeSet): ArticleRepository {
  const articles = createArticleRepository(db);
  const described = new Map<number, ArticleFacts | null>();

  async function touch(id: number): Promise<ArticleFacts | null> {
    if (!described.has(id)) {
      const facts = await describeArticle(db, id);
      described.set(id, facts);
      if (facts) changes.article(facts);
    }
    return described.get(id) ?? null;
  }

  return {
    ...articles,
    async insert(article) {
      const created = await articles.insert(article);
      const facts = await touch(created.id);
      if (facts) changes.listMembership(facts);
      changes.slugTaken(created.slug);
      changes.writer(article.authorId);
      return created;
    },
    async moveToSlug(id, baseSlug) {
      const facts = await touch(id);
      const slug = await articles.moveToSlug(id, baseSlug);
      changes.slugTaken(slug);
      if (facts) changes.writer(facts.authorId);
      return slug;
    },
    async update(id, fields) {
      const facts = await touch(id);
      await articles.update(id, fields);
      if (facts) changes.writer(facts.authorId);
    },
    async replaceTags(id, tags) {
      const facts = await touch(id);
      const created = await articles.replaceTags(id, tags);
      changes.retagged(facts?.tags ?? [], tags, created);
      if (facts) changes.writer(facts.authorId);
      return created;
    },
    async delete(id) {
      const facts = await touch(id);
      await articles.delete(id);
      if (facts) {
        changes.listMembership(facts);
        changes.writer(facts.authorId);
      }
    },
    async favorite(userId, articleId) {
      await touch(articleId);
      const changed = await articles.favorite(userId, articleId);
      changes.writer(userId);
      return changed;
    },
    async unfavorite(userId, articleId) {
      await touch(articleId);
      const changed = await articles.unfavorite(userId, articleId);
      changes.writer(userId);
      return changed;
    },
  };
}
