import { type PrivateRedis, type Standby, startPrivateRedis, startStandby } from '@scaling/testing';
import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { apiClient, type TestUser } from './support/api.ts';
import { buildReadPathApp, ownPort, untilPolledUpToDate } from './support/read-path-app.ts';

let standby: Standby;
let cacheRedis: PrivateRedis;
/** Where `positionsApart` keeps the write positions: a Redis apart from the sessions', which a test stops. */
let positionsRedis: PrivateRedis;
/** Two app replicas of one stage, sharing the cache, the sessions and the replica: one with the viewer rule, one without. */
let ruleOn: FastifyInstance;
let ruleOff: FastifyInstance;
/** A third with the rule, its write positions in `positionsRedis`. */
let positionsApart: FastifyInstance;

beforeAll(async () => {
  [standby, cacheRedis, positionsRedis] = await Promise.all([
    startStandby({ port: ownPort(4) }),
    startPrivateRedis(),
    startPrivateRedis(),
  ]);
  [ruleOn, ruleOff, positionsApart] = await Promise.all([
    buildReadPathApp({ standby, cacheUrl: cacheRedis.url }),
    buildReadPathApp({ standby, cacheUrl: cacheRedis.url, readYourWrites: false }),
    buildReadPathApp({ standby, cacheUrl: cacheRedis.url, writeLsnUrl: positionsRedis.url }),
  ]);
}, 60_000);

afterAll(async () => {
  await Promise.all([ruleOn?.close(), ruleOff?.close(), positionsApart?.close()]);
  await Promise.all([standby?.dispose(), cacheRedis?.dispose(), positionsRedis?.dispose()]);
});

afterEach(() => standby.resumeReplay());

/** Everything written so far is on the replica, and the apps know it; then the replica stops replaying. */
async function replicaFallsBehind(): Promise<void> {
  await Promise.all([untilPolledUpToDate(ruleOn, standby), untilPolledUpToDate(ruleOff, standby)]);
  await standby.pauseReplay();
}

describe('read-your-writes on a lagging replica', () => {
  it('When a user favorites an article while the replica lags, then with the rule their reads show it, and without it the replica answers as before', async () => {
    const api = apiClient(ruleOn);
    const [author, fan] = await Promise.all([api.register(), api.register()]);
    const { slug } = await api.publish(author);
    await replicaFallsBehind();

    await api.call('POST', `/api/articles/${slug}/favorite`, fan);
    const withRule = await api.article(slug, fan);
    const withRuleList = await api.list(`author=${author.username}`, fan);
    const withoutRule = await apiClient(ruleOff).article(slug, fan);

    expect({
      withRule: withRule.body.article.favorited,
      withRuleList: withRuleList.body.articles[0].favorited,
      withoutRule: withoutRule.body.article.favorited,
    }).toEqual({ withRule: true, withRuleList: true, withoutRule: false });
  });

  it('When a user comments while the replica lags, then with the rule the thread they read holds their comment, and without it not yet', async () => {
    const api = apiClient(ruleOn);
    const author: TestUser = await api.register();
    const { slug } = await api.publish(author);
    await replicaFallsBehind();

    const posted = await api.call('POST', `/api/articles/${slug}/comments`, author, {
      comment: { body: 'Mine' },
    });
    const withRule = await api.call('GET', `/api/articles/${slug}/comments`, author);
    const withoutRule = await apiClient(ruleOff).call('GET', `/api/articles/${slug}/comments`, author);

    const bodies = (response: { body: { comments: { body: string }[] } }) =>
      response.body.comments.map((comment) => comment.body);
    expect([posted.status, bodies(withRule), bodies(withoutRule)]).toEqual([201, ['Mine'], []]);
  });

  it('When an article is edited while the replica lags, then an anonymous reader of the cached article sees the edit, through the tombstone it left', async () => {
    const api = apiClient(ruleOn);
    const author = await api.register();
    const { slug } = await api.publish(author);
    await apiClient(ruleOff).article(slug);
    await replicaFallsBehind();

    await api.call('PUT', `/api/articles/${slug}`, author, { article: { body: 'Edited while lagging' } });
    const anonymous = await apiClient(ruleOff).article(slug);

    expect(anonymous.body.article.body).toBe('Edited while lagging');
  });

  it("When the Redis of the write positions is stopped while the replica lags, then a user's read after their write goes to the primary and shows it", async () => {
    const api = apiClient(positionsApart);
    const [author, fan] = await Promise.all([api.register(), api.register()]);
    const { slug } = await api.publish(author);
    await untilPolledUpToDate(positionsApart, standby);
    await replicaFallsBehind();

    await api.call('POST', `/api/articles/${slug}/favorite`, fan);
    await positionsRedis.stop();
    const read = await api.article(slug, fan);
    const onTheReplica = await apiClient(ruleOff).article(slug, fan);

    expect([read.status, read.body.article.favorited, onTheReplica.body.article.favorited]).toEqual([
      200,
      true,
      false,
    ]);
  });
});
