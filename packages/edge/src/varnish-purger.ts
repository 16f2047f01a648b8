import { Counter, metricOnce, type Registry } from '@scaling/metrics';
import type { EdgePurger } from './edge-purger.ts';
import { surrogateKeyHeader } from './surrogate-keys.ts';

export interface VarnishPurgerOptions {
  /** Base URL of every edge (http://varnish:8080): each keeps its own copies, so each is told. */
  urls: readonly string[];
  /** How long one BAN may take before the edge counts as unreachable. */
  timeoutMs: number;
  /** Sent as X-Purge-Token: the edges' EDGE_PURGE_TOKEN, when they are given one. */
  token?: string;
  /**
   * Bans the same keys again this long after the first ban (not awaited). Between a commit and a replica replaying
   * it, an anonymous miss can refill the edge with the old answer from that replica; the second ban drops it, so
   * the edge is stale for at most this long instead of s-maxage. Set it to the replicas' maximum lag; leave it out
   * when reads never lag behind the write (no replicas, or a cache whose entries remember the write's LSN).
   */
  rebanAfterMs?: number;
  log?: { warn(fields: object, message: string): void };
  metrics?: Registry;
}

/** Varnish refuses a request header longer than http_req_hdr_len (8 KiB by default): keys go in batches below it. */
const maxKeysHeaderLength = 4_000;

function batches(keys: readonly string[]): string[] {
  const headers: string[] = [];
  let current: string[] = [];
  for (const key of new Set(keys)) {
    if (current.length > 0 && surrogateKeyHeader([...current, key]).length > maxKeysHeaderLength) {
      headers.push(surrogateKeyHeader(current));
      current = [];
    }
    current.push(key);
  }
  if (current.length > 0) headers.push(surrogateKeyHeader(current));
  return headers;
}

function purgeCounter(registry: Registry): Counter<'result'> {
  return metricOnce(
    registry,
    'edge_purge_requests_total',
    () =>
      new Counter({
        name: 'edge_purge_requests_total',
        help: 'BAN requests sent to the edge caches, by result: "ok" (the edge answered 200) or "failed" (refused, unreachable or timed out; its copies then live until their s-maxage).',
        labelNames: ['result'],
        registers: [registry],
      }),
  );
}

/**
 * Sends `BAN /` with `X-Purge-Keys: <keys>` to every edge at once; the VCL bans the objects whose Surrogate-Key
 * holds any of them. Fail-open: a refusal, an error or a timeout is logged and counted, never thrown.
 */
export function createVarnishPurger({
  urls,
  timeoutMs,
  token,
  rebanAfterMs,
  log,
  metrics,
}: VarnishPurgerOptions): EdgePurger {
  const requests = metrics ? purgeCounter(metrics) : undefined;

  async function ban(url: string, keys: string): Promise<void> {
    try {
      const response = await fetch(url, {
        method: 'BAN',
        headers: { 'x-purge-keys': keys, ...(token ? { 'x-purge-token': token } : {}) },
        signal: AbortSignal.timeout(timeoutMs),
      });
      const answer = await response.text();
      if (response.status !== 200)
        throw new Error(`The edge answered ${response.status}: ${answer.slice(0, 200)}`);
      requests?.inc({ result: 'ok' });
    } catch (error) {
      requests?.inc({ result: 'failed' });
      log?.warn(
        { edge: url, keys, err: error },
        'An edge did not take a BAN: it serves those copies until their s-maxage runs out. Check that it is up, that this host is in its purge ACL, and that its EDGE_PURGE_TOKEN is the one the app sends.',
      );
    }
  }

  const banEverywhere = (headers: string[]) =>
    Promise.all(urls.flatMap((url) => headers.map((header) => ban(url, header))));

  return {
    async purge(keys) {
      const headers = batches(keys);
      await banEverywhere(headers);
      if (rebanAfterMs !== undefined && headers.length > 0)
        setTimeout(() => void banEverywhere(headers), rebanAfterMs).unref();
    },
  };
}
