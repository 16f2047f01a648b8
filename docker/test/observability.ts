import { randomBytes } from 'node:crypto';
import { createPrometheusClient, type PrometheusClient, type ZipkinSpan } from '@scaling/bench';
import { registerUser } from './api-fixtures.ts';
import type { ComposeContainer, ComposeStack, InspectedContainer, ResolvedService } from './compose-stack.ts';

/** Where every stage publishes its Prometheus and Zipkin UIs, on the loopback interface only. */
export const prometheusUrl = 'http://127.0.0.1:9090';
export const zipkinUrl = 'http://127.0.0.1:9411';

type Target = Awaited<ReturnType<PrometheusClient['targets']>>[number];

/** A running container Prometheus must scrape, and the names its targets may carry. */
export interface ScrapedContainer {
  service: string;
  name: string;
  /** Its address on the compose network, its container and host names, and (when it is its service's only one) its service name. */
  hosts: string[];
  /** An exporter, whose `<server>_up` metric says whether it reaches the server it measures. */
  exporter: boolean;
}

function sleep(ms: number): Promise<void> {
  return new Promise((wake) => setTimeout(wake, ms));
}

/**
 * The containers whose metrics Prometheus must scrape: every replica of a Node service that serves /metrics
 * (METRICS_PORT in its environment) and every exporter.
 */
export async function containersToScrape(
  stack: ComposeStack,
  services: Record<string, ResolvedService>,
): Promise<ScrapedContainer[]> {
  const running = (await stack.containers()).filter((container) => container.State === 'running');
  const isExporter = (container: ComposeContainer) =>
    /exporter/.test(services[container.Service]?.image ?? '');
  const scraped = running.filter(
    (container) =>
      services[container.Service]?.environment?.METRICS_PORT !== undefined || isExporter(container),
  );
  if (scraped.length === 0) return [];
  const inspected = await stack.inspect(...scraped.map((container) => container.ID));
  return scraped.map((container: ComposeContainer, index) => {
    const details = inspected[index] as InspectedContainer;
    const alone = running.filter((other) => other.Service === container.Service).length === 1;
    return {
      service: container.Service,
      name: container.Name,
      hosts: [
        ...Object.values(details.NetworkSettings.Networks).map((network) => network.IPAddress),
        container.Name,
        details.Config.Hostname,
        ...(alone ? [container.Service] : []),
      ],
      exporter: isExporter(container),
    };
  });
}

function targetHost(target: Target): string {
  return new URL(target.scrapeUrl).hostname;
}

function describeTarget(target: Target): string {
  return `${target.job}/${target.instance} ${target.health}${target.lastError ? ` (${target.lastError})` : ''}`;
}

export interface TargetsReport {
  targets: Target[];
  down: string[];
  unscraped: string[];
  /** Exporters whose `<server>_up` is missing or not 1: scraped, but not reaching their server. */
  unreached: string[];
  /** Samples of the last scrape of each container's target. */
  samples: { container: string; target: string; samples: number }[];
}

/**
 * Waits until every active target is up, every container to scrape has an up target, and every exporter reports
 * its server up (an exporter answers a scrape even when it cannot log in), printing what it is waiting for;
 * returns what it saw at the end (a caller asserts on it).
 */
export async function waitForScrapes(
  expected: ScrapedContainer[],
  timeoutMs: number,
  log: (message: string) => void,
): Promise<TargetsReport> {
  const prometheus = createPrometheusClient({ url: prometheusUrl });
  const deadline = Date.now() + timeoutMs;
  let lastLog = 0;
  for (;;) {
    const targets = await prometheus.targets();
    const down = targets.filter((target) => target.health !== 'up').map(describeTarget);
    const matched = expected.map((container) => ({
      container,
      target: targets.find(
        (target) => target.health === 'up' && container.hosts.includes(targetHost(target)),
      ),
    }));
    const unscraped = matched
      .filter((match) => match.target === undefined)
      .map(({ container }) => `${container.name} (${container.service}, ${container.hosts.join(' / ')})`);
    const unreached: string[] = [];
    const samples: TargetsReport['samples'] = [];
    for (const { container, target } of matched) {
      if (!target) continue;
      const selector = `job="${target.job}",instance="${target.instance}"`;
      const [last] = await prometheus.query(`scrape_samples_scraped{${selector}}`);
      samples.push({ container: container.name, target: target.scrapeUrl, samples: last?.value ?? 0 });
      if (!container.exporter) continue;
      const ups = await prometheus.query(`{__name__=~"[a-z]+_up",${selector}}`);
      if (ups.length === 0 || ups.some((up) => up.value !== 1)) {
        const values = ups.map((up) => `${up.labels.__name__} ${up.value}`).join(', ') || 'no *_up metric';
        unreached.push(`${container.name}: ${values}`);
      }
    }
    const done = targets.length > 0 && [...down, ...unscraped, ...unreached].length === 0;
    if (done || Date.now() > deadline) return { targets, down, unscraped, unreached, samples };
    if (Date.now() - lastLog > 10_000) {
      lastLog = Date.now();
      log(
        `Prometheus: ${targets.length - down.length}/${targets.length} targets up; waiting for ${[...down, ...unscraped, ...unreached].join(', ') || 'the first targets'} ...`,
      );
    }
    await sleep(2_000);
  }
}

/** A W3C trace context a client starts: the app's spans join this trace, as children of this span. */
function clientTraceContext(): { traceId: string; spanId: string; traceparent: string } {
  const traceId = randomBytes(16).toString('hex');
  const spanId = randomBytes(8).toString('hex');
  return { traceId, spanId, traceparent: `00-${traceId}-${spanId}-01` };
}

export interface ArticleTrace {
  traceId: string;
  /** The span the test started as the client: the app's server span must be its child. */
  clientSpanId: string;
  spans: ZipkinSpan[];
  /** The app's server span of the POST, a child of the client's span when the context crossed every hop. */
  server?: ZipkinSpan;
  /** The app's queries: spans that name PostgreSQL as their database system. */
  queries: ZipkinSpan[];
}

/**
 * POST /api/articles through the published entry point with a sampled `traceparent`, then Zipkin's record of
 * that trace, once it holds the app's server span and its queries (spans are exported in batches).
 */
export async function traceArticlePost(
  origin: string,
  appService: string,
  timeoutMs: number,
  log: (message: string) => void,
): Promise<ArticleTrace> {
  const suffix = randomBytes(5).toString('hex');
  const { token } = await registerUser(origin, `trace-${suffix}`);
  const context = clientTraceContext();
  const response = await fetch(new URL('/api/articles', origin), {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Token ${token}`,
      traceparent: context.traceparent,
    },
    body: JSON.stringify({
      article: {
        title: `Traced ${suffix}`,
        description: 'Followed into Zipkin',
        body: 'One traced write.',
        tagList: [],
      },
    }),
    signal: AbortSignal.timeout(10_000),
  });
  if (response.status !== 201) {
    throw new Error(`POST /api/articles answered ${response.status}: ${await response.text()}`);
  }
  log(`POST /api/articles answered 201 (trace ${context.traceId}); waiting for its spans in Zipkin ...`);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await fetch(`${zipkinUrl}/api/v2/trace/${context.traceId}`, {
      signal: AbortSignal.timeout(5_000),
    });
    const spans = found.status === 404 ? [] : ((await found.json()) as ZipkinSpan[]);
    const server = spans.find(
      (span) => span.kind === 'SERVER' && span.localEndpoint?.serviceName === appService,
    );
    // OpenTelemetry's stable database conventions, which instrumentation-pg follows.
    const queries = spans.filter((span) => span.tags?.['db.system.name'] === 'postgresql');
    if ((server && queries.length > 0) || Date.now() > deadline) {
      return { traceId: context.traceId, clientSpanId: context.spanId, spans, server, queries };
    }
    await sleep(1_000);
  }
}
