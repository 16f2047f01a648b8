import type { PrometheusClient } from './prometheus-client.ts';

/** An instant query read again and again during a run; `by` names the label that tells its series apart. */
export interface SampledQuery {
  name: string;
  query: string;
  by?: string;
}

/** One round of the queries: per query, a value per `by` label (or under "" for a single series). */
export interface PrometheusSample {
  /** On the run's clock (ms since its load started). */
  atMs: number;
  values: Record<string, Record<string, number>>;
}

export interface PrometheusSampler {
  /** The newest round, e.g. to end a run once the replicas are back at their minimum. */
  latest(): PrometheusSample | undefined;
  /** Stops sampling and returns every round, oldest first. */
  stop(): Promise<{ samples: PrometheusSample[]; failures: number }>;
}

/**
 * Sends the queries every `intervalMs` while a run goes on, so the run can follow what the servers do as it happens
 * (the range queries read after a run say the same, but too late to act on). A query that fails leaves its value
 * out of that round; the first failure is reported once, and the run goes on.
 */
export function startPrometheusSampler(options: {
  client: PrometheusClient;
  queries: SampledQuery[];
  intervalMs: number;
  now: () => number;
  output: (line: string) => void;
}): PrometheusSampler {
  const samples: PrometheusSample[] = [];
  let failures = 0;
  let stopped = false;
  const sampleOnce = async () => {
    const atMs = Math.round(options.now());
    const values: PrometheusSample['values'] = {};
    await Promise.all(
      options.queries.map(async (query) => {
        try {
          const answer = await options.client.query(query.query);
          values[query.name] = Object.fromEntries(
            answer
              .filter((sample) => sample.value !== null)
              .map((sample) => [query.by ? (sample.labels[query.by] ?? '') : '', sample.value as number]),
          );
        } catch (error) {
          failures++;
          if (failures === 1) {
            options.output(
              `Reading "${query.name}" from Prometheus failed (${(error as Error).message}); the run goes on without it.`,
            );
          }
        }
      }),
    );
    samples.push({ atMs, values });
  };
  const loop = (async () => {
    while (!stopped) {
      const started = performance.now();
      await sampleOnce();
      const waitMs = Math.max(0, options.intervalMs - (performance.now() - started));
      await new Promise((resolve) => setTimeout(resolve, waitMs));
    }
  })();
  return {
    latest: () => samples.at(-1),
    async stop() {
      stopped = true;
      await loop;
      return { samples, failures };
    },
  };
}
