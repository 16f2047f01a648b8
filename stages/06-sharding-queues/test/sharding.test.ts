import { weeklyDigestPayload } from '@scaling/jobs';
import { createHashRing } from '@scaling/ring';
import {
  ask,
  asUser,
  buildArticle,
  eventually,
  expectOfficialSuitePasses,
  stagePrometheus,
  uniqueSuffix,
} from '@scaling/testing';
import { describe, expect, it } from 'vitest';
import { follow, queryServer, signUp, useStage6 } from './support/booted-stage.ts';

const stage = useStage6();
const shards = ['shard1', 'shard2', 'shard3'];

describe('Stage 6 booted natively: the API on three shards, through nginx', () => {
  it('When the official RealWorld suite runs through nginx, then every request and assertion passes on sharded data', async () => {
    await expectOfficialSuitePasses(stage.apiUrl());
  }, 120_000);

  it('When an author publishes, then the article is on the shard the ring names for the author, and on no other', async () => {
    const author = await signUp(stage.apiUrl());
    const created = await ask<{ article: { slug: string } }>(stage.apiUrl(), '/articles', {
      method: 'POST',
      headers: asUser(author.token),
      body: { article: buildArticle() },
    });
    const [user] = await queryServer<{ id: string }>('postgres', 'SELECT id FROM users WHERE username = $1', [
      author.username,
    ]);
    const members = await queryServer<{ name: string }>(
      'postgres',
      "SELECT name FROM shard_ring WHERE state = 'active'",
    );
    const ring = createHashRing({ nodes: members.map((member) => member.name), virtualNodes: 128 });
    const holders = [];
    for (const shard of shards) {
      const rows = await queryServer(shard, 'SELECT 1 FROM articles WHERE slug = $1', [
        created.body.article.slug,
      ]);
      if (rows.length > 0) holders.push(shard);
    }

    expect(created.status).toBe(201);
    expect(members.map((member) => member.name).sort()).toEqual(shards);
    expect(holders).toEqual([ring.nodeFor(String(user?.id))]);
  });

  it("When an article is published with a new tag, then the worker's recount, set off by its event, lists the tag", async () => {
    const author = await signUp(stage.apiUrl());
    const tag = `tag${uniqueSuffix()}`;

    const created = await ask(stage.apiUrl(), '/articles', {
      method: 'POST',
      headers: asUser(author.token),
      body: { article: buildArticle({ tagList: [tag] }) },
    });
    const counted = await eventually(
      async () => {
        const rows = await queryServer<{ article_count: number }>(
          'postgres',
          'SELECT article_count FROM popular_tags WHERE tag = $1',
          [tag],
        );
        expect(rows).toHaveLength(1);
        return rows[0]?.article_count;
      },
      { timeoutMs: 30_000 },
    );

    expect(created.status).toBe(201);
    expect(counted).toBe(1);
  }, 40_000);

  it("When the weekly digest is queued, then the worker renders a reader's digest from the articles of the authors they follow", async () => {
    const [reader, author] = [await signUp(stage.apiUrl()), await signUp(stage.apiUrl())];
    await follow(stage.apiUrl(), reader, author);
    const article = buildArticle();
    const created = await ask(stage.apiUrl(), '/articles', {
      method: 'POST',
      headers: asUser(author.token),
      body: { article },
    });

    await queryServer('postgres', 'INSERT INTO jobs (kind, payload) VALUES ($1, $2)', [
      'weekly-digest',
      JSON.stringify(weeklyDigestPayload()),
    ]);
    const digest = await eventually(
      async () => {
        const rows = await queryServer<{ body: string; article_count: number }>(
          'postgres',
          `SELECT digests.body, digests.article_count FROM digests
             JOIN users ON users.id = digests.user_id WHERE users.username = $1`,
          [reader.username],
        );
        expect(rows).toHaveLength(1);
        return rows[0];
      },
      { timeoutMs: 30_000 },
    );

    expect(created.status).toBe(201);
    expect(digest?.article_count).toBe(1);
    expect(digest?.body).toContain(article.title);
  }, 40_000);

  it('When stage 6 runs natively, then Prometheus scrapes both app replicas, the relay, the worker and the notifications service', async () => {
    // The first scrape of a target comes up to one interval (5 s) after the stage is up.
    const jobs = await eventually(
      async () => {
        const up = await stagePrometheus(6).upTargets();
        const count = (job: string) => up.filter((target) => target.startsWith(`${job}:`)).length;
        const counts = ['app', 'relay', 'worker', 'notifications'].map((job) => [job, count(job)]);
        expect(counts).toEqual([
          ['app', 2],
          ['relay', 1],
          ['worker', 1],
          ['notifications', 1],
        ]);
        return counts;
      },
      { timeoutMs: 30_000 },
    );

    expect(jobs).toHaveLength(4);
  }, 40_000);
});
