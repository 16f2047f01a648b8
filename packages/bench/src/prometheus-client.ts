/** Why a call to Prometheus's HTTP API failed; `code` is stable, the message says what to do. */
export type PrometheusErrorCode =
  | 'PROMETHEUS_UNREACHABLE'
  | 'PROMETHEUS_TIMEOUT'
  | 'PROMETHEUS_RESPONSE_TOO_LARGE'
  | 'PROMETHEUS_QUERY_REJECTED'
  | 'PROMETHEUS_BAD_RESPONSE';

export class PrometheusError extends Error {
  readonly code: PrometheusErrorCode;

  constructor(code: PrometheusErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'PrometheusError';
    this.code = code;
  }
}

/** One series of an instant query: its labels (`__name__` included when the result keeps it) and value. */
export interface InstantSample {
  labels: Record<string, string>;
  /** Unix seconds. */
  time: number;
  /** null where Prometheus answered NaN or an infinity (e.g. a quantile over no requests), which JSON cannot hold. */
  value: number | null;
}

/** A point of a range query: [unix seconds, value], the value null as in `InstantSample`. */
export type SeriesPoint = [number, number | null];

export interface RangeSeries {
  labels: Record<string, string>;
  points: SeriesPoint[];
}

export interface RangeWindow {
  /** Unix seconds. */
  start: number;
  end: number;
  /** Seconds between points. */
  step: number;
}

/** An active scrape target, as `/api/v1/targets` describes it. */
export interface ScrapeTarget {
  job: string;
  instance: string;
  labels: Record<string, string>;
  scrapeUrl: string;
  health: 'up' | 'down' | 'unknown';
  lastError: string;
  /** Unix ms of the last scrape; 0 before the first. */
  lastScrapeMs: number;
  scrapeIntervalSeconds: number;
}

export interface PrometheusClient {
  /** The server's base URL, e.g. http://127.0.0.1:9090. */
  readonly url: string;
  query(promql: string, timeSeconds?: number): Promise<InstantSample[]>;
  queryRange(promql: string, window: RangeWindow): Promise<RangeSeries[]>;
  targets(): Promise<ScrapeTarget[]>;
}

export interface PrometheusClientOptions {
  url: string;
  /** Each request's deadline. */
  timeoutMs?: number;
  /** Larger answers are refused rather than buffered: a query over too many series must not exhaust the bench. */
  maxResponseBytes?: number;
}

const defaultTimeoutMs = 5_000;
const defaultMaxResponseBytes = 8 * 1024 * 1024;

/** A client of Prometheus's HTTP API (v1): instant and range queries, and the scrape targets. */
export function createPrometheusClient(options: PrometheusClientOptions): PrometheusClient {
  const url = options.url.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? defaultTimeoutMs;
  const maxResponseBytes = options.maxResponseBytes ?? defaultMaxResponseBytes;

  async function call(path: string, parameters: Record<string, string> = {}): Promise<unknown> {
    const target = `${url}${path}`;
    let response: Response;
    try {
      // POST keeps long PromQL out of the URL; the query endpoints take it as a form body.
      response = await fetch(target, {
        method: Object.keys(parameters).length > 0 ? 'POST' : 'GET',
        ...(Object.keys(parameters).length > 0 ? { body: new URLSearchParams(parameters) } : {}),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw transportError(target, timeoutMs, error);
    }
    const text = await readBounded(response, target, maxResponseBytes, timeoutMs);
    let body: { status?: string; data?: unknown; errorType?: string; error?: string };
    try {
      body = JSON.parse(text);
    } catch (error) {
      throw new PrometheusError(
        'PROMETHEUS_BAD_RESPONSE',
        `${target} answered ${response.status} with something other than JSON: check that ${url} is a Prometheus server.`,
        { cause: error },
      );
    }
    if (body.status !== 'success') {
      throw new PrometheusError(
        'PROMETHEUS_QUERY_REJECTED',
        `Prometheus refused ${path} (${response.status}, ${body.errorType ?? 'error'}): ${body.error ?? text.slice(0, 200)}. ` +
          'Correct the request (for a query, try it in the Prometheus UI first).',
      );
    }
    return body.data;
  }

  return {
    url,
    async query(promql, timeSeconds) {
      const data = (await call('/api/v1/query', {
        query: promql,
        ...(timeSeconds === undefined ? {} : { time: String(timeSeconds) }),
      })) as { resultType: string; result: { metric: Record<string, string>; value: [number, string] }[] };
      if (data.resultType !== 'vector') {
        throw new PrometheusError(
          'PROMETHEUS_BAD_RESPONSE',
          `The query "${promql}" gave a ${data.resultType}, not an instant vector: query a series selector or a function of one.`,
        );
      }
      return data.result.map(({ metric, value: [time, value] }) => ({
        labels: metric,
        time,
        value: parseSampleValue(value),
      }));
    },
    async queryRange(promql, window) {
      const data = (await call('/api/v1/query_range', {
        query: promql,
        start: String(window.start),
        end: String(window.end),
        step: String(window.step),
      })) as { result: { metric: Record<string, string>; values: [number, string][] }[] };
      return data.result.map(({ metric, values }) => ({
        labels: metric,
        points: values.map(([time, value]): SeriesPoint => [time, parseSampleValue(value)]),
      }));
    },
    async targets() {
      const data = (await call('/api/v1/targets?state=active')) as {
        activeTargets: {
          labels: Record<string, string>;
          scrapePool: string;
          scrapeUrl: string;
          health: ScrapeTarget['health'];
          lastError: string;
          lastScrape: string;
          scrapeInterval?: string;
        }[];
      };
      return data.activeTargets.map((target) => ({
        job: target.labels.job ?? target.scrapePool,
        instance: target.labels.instance ?? target.scrapeUrl,
        labels: target.labels,
        scrapeUrl: target.scrapeUrl,
        health: target.health,
        lastError: target.lastError,
        // Before the first scrape Prometheus reports the zero time, 0001-01-01.
        lastScrapeMs: Math.max(0, Date.parse(target.lastScrape) || 0),
        scrapeIntervalSeconds: parseDurationSeconds(target.scrapeInterval ?? '') ?? 0,
      }));
    },
  };
}

function transportError(target: string, timeoutMs: number, error: unknown): PrometheusError {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return new PrometheusError(
      'PROMETHEUS_TIMEOUT',
      `Prometheus did not answer ${target} within ${timeoutMs} ms: check that it is not overloaded, or narrow the query.`,
      { cause: error },
    );
  }
  const reason =
    error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : error;
  return new PrometheusError(
    'PROMETHEUS_UNREACHABLE',
    `Prometheus is not reachable at ${target} (${String(reason)}): check that it is running.`,
    { cause: error },
  );
}

/** The body as text, refusing it (and closing the connection) once it passes `maxBytes`. */
async function readBounded(
  response: Response,
  target: string,
  maxBytes: number,
  timeoutMs: number,
): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  const tooLarge = () =>
    new PrometheusError(
      'PROMETHEUS_RESPONSE_TOO_LARGE',
      `Prometheus's answer to ${target} is larger than ${maxBytes} bytes: narrow the query (fewer series, or a larger step).`,
    );
  if (declared > maxBytes) {
    await response.body?.cancel();
    throw tooLarge();
  }
  const chunks: Uint8Array[] = [];
  let received = 0;
  try {
    for await (const chunk of response.body ?? []) {
      received += chunk.byteLength;
      // Leaving the loop by throwing cancels the stream, which closes the connection.
      if (received > maxBytes) throw tooLarge();
      chunks.push(chunk);
    }
  } catch (error) {
    if (error instanceof PrometheusError) throw error;
    throw transportError(target, timeoutMs, error);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseSampleValue(value: string): number | null {
  const number = Number(value);
  return Number.isFinite(number) ? number : null;
}

/** Prometheus durations as the targets API writes them ("15s", "1m", "1m30s", "500ms"), in seconds. */
export function parseDurationSeconds(duration: string): number | undefined {
  const units: Record<string, number> = {
    ms: 0.001,
    s: 1,
    m: 60,
    h: 3600,
    d: 86_400,
    w: 604_800,
    y: 31_536_000,
  };
  const parts = [...duration.matchAll(/(\d+)(ms|s|m|h|d|w|y)/g)];
  if (parts.length === 0 || parts.map((part) => part[0]).join('') !== duration) return undefined;
  return parts.reduce((total, [, amount, unit]) => total + Number(amount) * (units[unit as string] ?? 0), 0);
}
