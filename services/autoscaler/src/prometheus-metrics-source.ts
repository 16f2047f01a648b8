import { type MetricsSource, MetricsSourceError, type UtilizationWindows } from './metrics-source.ts';
import type { ReplicaSample } from './policy.ts';

export interface PrometheusSourceOptions {
  /** e.g. http://prometheus:9090 */
  url: string;
  /** The CPU quota of one replica, in CPUs: utilization is CPU seconds per second over it. */
  cpuPerReplica: number;
  /** Each query's deadline. */
  timeoutMs?: number;
}

/** An answer for a few dozen replicas is a few kB; anything far larger is not the query we sent. */
const maxResponseBytes = 1024 * 1024;

interface VectorSample {
  metric: Record<string, string>;
  value: [number, string];
}

/** Seconds as a PromQL duration, in milliseconds so a time-scaled window (42.9 s) keeps its precision. */
const duration = (seconds: number) => `${Math.max(1, Math.round(seconds * 1000))}ms`;

/**
 * One query for every replica's three numbers, evaluated at the same instant: the CPU over each window and the
 * process's age, told apart by a `measure` label. The warm-up is the policy's to apply, which sees the young ones.
 */
export function replicaQuery(service: string, windows: UtilizationWindows, cpuPerReplica: number): string {
  const selector = (name: string) => `${name}{job="${service}"}`;
  const utilization = (seconds: number) =>
    `rate(${selector('process_cpu_seconds_total')}[${duration(seconds)}]) / ${cpuPerReplica}`;
  const measure = (name: string, expression: string) =>
    `label_replace(${expression}, "measure", "${name}", "", "")`;
  return [
    measure('out', utilization(windows.scaleOutWindowSeconds)),
    measure('in', utilization(windows.scaleInWindowSeconds)),
    measure('age', `time() - ${selector('process_start_time_seconds')}`),
  ].join(' or ');
}

/** The job queue gauge of @scaling/jobs (packages/jobs/src/queue-metrics.ts), summed over the kinds. */
export const backlogQuery = 'sum(jobs_queue_depth)';

/** The load as Prometheus has scraped it, over its HTTP API (instant queries, each bounded in time and size). */
export function createPrometheusMetricsSource(options: PrometheusSourceOptions): MetricsSource {
  const base = options.url.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 5_000;

  async function query(promql: string, signal: AbortSignal | undefined): Promise<VectorSample[]> {
    const target = `${base}/api/v1/query`;
    const deadline = AbortSignal.timeout(timeoutMs);
    let text: string;
    let status: number;
    try {
      const response = await fetch(target, {
        method: 'POST',
        body: new URLSearchParams({ query: promql }),
        signal: signal ? AbortSignal.any([signal, deadline]) : deadline,
      });
      status = response.status;
      text = await readBounded(response, target);
    } catch (error) {
      if (error instanceof MetricsSourceError) throw error;
      throw transportError(target, timeoutMs, deadline.aborted, error);
    }
    let body: { status?: string; error?: string; data?: { resultType?: string; result?: VectorSample[] } };
    try {
      body = JSON.parse(text);
    } catch (error) {
      throw new MetricsSourceError(
        'METRICS_SOURCE_BAD_RESPONSE',
        `${target} answered ${status} with something other than JSON: set PROMETHEUS_URL to a Prometheus server.`,
        { cause: error },
      );
    }
    if (body.status !== 'success') {
      throw new MetricsSourceError(
        'METRICS_SOURCE_REJECTED',
        `Prometheus refused the query (${status}): ${body.error ?? text.slice(0, 200)}. Check the Prometheus version and the query in its UI.`,
      );
    }
    if (body.data?.resultType !== 'vector' || !Array.isArray(body.data.result)) {
      throw new MetricsSourceError(
        'METRICS_SOURCE_BAD_RESPONSE',
        `Prometheus answered "${promql}" with a ${body.data?.resultType ?? 'missing'} result, not an instant vector: set PROMETHEUS_URL to a Prometheus server.`,
      );
    }
    return body.data.result;
  }

  return {
    async replicaSamples(service, windows, signal) {
      const result = await query(replicaQuery(service, windows, options.cpuPerReplica), signal);
      const byInstance = new Map<string, ReplicaSample>();
      for (const { metric, value } of result) {
        const instance = metric.instance ?? 'unknown';
        const sample = byInstance.get(instance) ?? {
          instance,
          ageSeconds: 0,
          outUtilization: null,
          inUtilization: null,
        };
        const number = finite(value[1]);
        if (metric.measure === 'age') sample.ageSeconds = number ?? 0;
        if (metric.measure === 'out') sample.outUtilization = number;
        if (metric.measure === 'in') sample.inUtilization = number;
        byInstance.set(instance, sample);
      }
      return [...byInstance.values()].sort((a, b) => a.instance.localeCompare(b.instance));
    },
    async jobBacklog(signal) {
      const [sample] = await query(backlogQuery, signal);
      return sample ? finite(sample.value[1]) : null;
    },
  };
}

function finite(value: string): number | null {
  const number = Number(value);
  return Number.isFinite(number) ? number : null;
}

async function readBounded(response: Response, target: string): Promise<string> {
  const chunks: Uint8Array[] = [];
  let received = 0;
  for await (const chunk of response.body ?? []) {
    received += chunk.byteLength;
    // Leaving the loop by throwing cancels the stream, which closes the connection.
    if (received > maxResponseBytes) {
      throw new MetricsSourceError(
        'METRICS_SOURCE_BAD_RESPONSE',
        `${target} answered with more than ${maxResponseBytes} bytes: set PROMETHEUS_URL to the stage's Prometheus.`,
      );
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function transportError(
  target: string,
  timeoutMs: number,
  timedOut: boolean,
  error: unknown,
): MetricsSourceError {
  if (timedOut) {
    return new MetricsSourceError(
      'METRICS_SOURCE_TIMEOUT',
      `Prometheus did not answer ${target} within ${timeoutMs} ms: check that it is not overloaded.`,
      { cause: error },
    );
  }
  const reason =
    error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : error;
  return new MetricsSourceError(
    'METRICS_SOURCE_UNREACHABLE',
    `Prometheus is not reachable at ${target} (${String(reason)}): check that it runs and that PROMETHEUS_URL points to it.`,
    { cause: error },
  );
}
