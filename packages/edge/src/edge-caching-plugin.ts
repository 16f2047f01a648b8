import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import {
  immutableForAYear,
  notStored,
  privateRevalidated,
  type SharedCachePolicy,
  sharedCacheControl,
} from './cache-policy.ts';
import { type CacheableRouteName, cacheableRoutes } from './cacheable-routes.ts';
import { type DocsAssetVersions, hashDocsAssets, swaggerUiAssetsDirectory } from './docs-assets.ts';
import { entityTag, matchesIfNoneMatch } from './entity-tag.ts';
import { surrogateKeyHeader } from './surrogate-keys.ts';

export interface DocsCachingOptions {
  /** Where @fastify/swagger-ui is mounted (`/api/docs`). */
  prefix: string;
  /** The OpenAPI document's own route (`/api/openapi.json`), cached like the page. */
  documentUrl: string;
  /** The page, the document and any asset requested without its current hash. */
  policy: SharedCachePolicy;
  /** Swagger UI's static files, hashed at boot; the installed package's unless a test says otherwise. */
  assetsDirectory?: string;
}

export interface EdgeCachingOptions {
  /** The read routes whose anonymous answers the edge may share, and for how long; any other route never is. */
  routes: Partial<Record<CacheableRouteName, SharedCachePolicy>>;
  /** The docs page and its assets; left out, they are treated like any other route. */
  docs?: DocsCachingOptions;
  /** What the app's own cache did for this request (@scaling/cache's cacheOutcome), sent as X-Cache. */
  cacheOutcome?: () => string | undefined;
}

/** Below Varnish's 8 KiB response header limit with room to spare; a page naming more keys is not shared. */
const maxSurrogateKeyLength = 4_000;

const isRead = (request: FastifyRequest) => request.method === 'GET' || request.method === 'HEAD';
const isSignedIn = (request: FastifyRequest) => request.headers.authorization !== undefined;

function addVary(reply: FastifyReply, header: string): void {
  const current = reply.getHeader('vary');
  const listed = typeof current === 'string' ? current.split(',').map((name) => name.trim()) : [];
  if (!listed.some((name) => name.toLowerCase() === header.toLowerCase()))
    reply.header('vary', [...listed, header].filter((name) => name !== '').join(', '));
}

interface DocsCaching {
  options: DocsCachingOptions;
  assets: DocsAssetVersions;
}

/** The docs routes' Cache-Control, or undefined for a route that is not part of the docs. */
function docsCacheControl(request: FastifyRequest, { options, assets }: DocsCaching): string | undefined {
  const url = request.routeOptions.url ?? '';
  if (url === `${options.prefix}/static/*`) {
    const file = (request.params as { '*'?: string })['*'] ?? '';
    const { v: version } = request.query as { v?: string };
    return assets.isCurrent(file, version) ? immutableForAYear : sharedCacheControl(options.policy);
  }
  if (url === options.documentUrl || url === options.prefix || url.startsWith(`${options.prefix}/`))
    return sharedCacheControl(options.policy);
  return undefined;
}

/** The ETag of a 200 read, and a 304 without the body when the reader already holds those bytes. */
function answerConditionally(request: FastifyRequest, reply: FastifyReply, body: string | Buffer) {
  const tag = entityTag(body);
  reply.header('etag', tag);
  if (!matchesIfNoneMatch(request.headers['if-none-match'], tag)) return body;
  reply.code(304);
  reply.removeHeader('content-type');
  reply.removeHeader('content-length');
  return null;
}

/**
 * Says, on every response, who may keep it and for how long. Anonymous GETs of the cacheable routes are public for
 * the edge (s-maxage, stale-while-revalidate, stale-if-error) and name their surrogate keys, so a write can ban
 * exactly them; a signed-in reader's answer holds their own flags and stays private; writes and errors are never
 * stored. Every 200 read carries a strong ETag, and a matching If-None-Match gets a 304 without the body.
 */
async function edgeCaching(app: FastifyInstance, options: EdgeCachingOptions): Promise<void> {
  const routes = new Map(
    Object.entries(options.routes).map(([name, policy]) => {
      const route = cacheableRoutes[name as CacheableRouteName];
      return [route.url, { route, policy }] as const;
    }),
  );
  const docs: DocsCaching | undefined = options.docs && {
    options: options.docs,
    assets: await hashDocsAssets(options.docs.assetsDirectory ?? swaggerUiAssetsDirectory()),
  };
  // The keys come from the answer as an object, before serialization; onSend then only sees its bytes.
  const answerKeys = new WeakMap<FastifyRequest, string[]>();

  /** Public for the edge when the answer is anonymous and its keys fit in a header; else private. */
  function markApiRead(request: FastifyRequest, reply: FastifyReply): void {
    const cacheable = routes.get(request.routeOptions.url ?? '');
    if (cacheable) addVary(reply, 'Authorization');
    const keys = answerKeys.get(request);
    const keyHeader = keys === undefined ? undefined : surrogateKeyHeader(keys);
    if (cacheable && keyHeader !== undefined && keyHeader.length <= maxSurrogateKeyLength) {
      reply.header('cache-control', sharedCacheControl(cacheable.policy));
      reply.header('surrogate-key', keyHeader);
    } else {
      reply.header('cache-control', privateRevalidated);
    }
  }

  app.addHook('preSerialization', async (request, reply, payload) => {
    if (!isRead(request) || reply.statusCode !== 200 || isSignedIn(request)) return payload;
    const keys = routes.get(request.routeOptions.url ?? '')?.route.keys(request, payload);
    if (keys !== undefined) answerKeys.set(request, keys);
    return payload;
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const outcome = options.cacheOutcome?.();
    if (outcome !== undefined) reply.header('x-cache', outcome);
    // A 304 here comes from the docs' static files, which answer If-None-Match themselves.
    if (!isRead(request) || (reply.statusCode !== 200 && reply.statusCode !== 304)) {
      reply.header('cache-control', notStored);
      return payload;
    }
    let body = typeof payload === 'string' || Buffer.isBuffer(payload) ? payload : undefined;
    const docsControl = docs && docsCacheControl(request, docs);
    if (docs && docsControl !== undefined) {
      reply.header('cache-control', docsControl);
      if (typeof body === 'string' && String(reply.getHeader('content-type')).startsWith('text/html'))
        body = docs.assets.versionReferences(body);
    } else {
      markApiRead(request, reply);
    }
    return body === undefined || reply.statusCode !== 200
      ? payload
      : answerConditionally(request, reply, body);
  });
}

export const edgeCachingPlugin = fp(edgeCaching, { name: 'edge-caching', fastify: '5.x' });
