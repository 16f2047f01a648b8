import { describe, expect, it } from 'vitest';
import { createPrometheusClient } from '../src/prometheus-client.ts';
import { stageBenchmarks } from '../src/stages/index.ts';
import { usePrometheusScraping } from './prometheus-server.ts';

const runs = Object.values(stageBenchmarks).flatMap((benchmark) =>
  [...benchmark.experiments, ...benchmark.drills].map((run) => ({ stage: benchmark.stage, run })),
);

describe('The server-side series the bench and the drills declare', () => {
  const prometheus = usePrometheusScraping(() => '# TYPE demo_up gauge\ndemo_up 1\n');

  it.each(runs.map(({ stage, run }) => [`${stage} ${run.name}`, run]))(
    'When %s is run, then it declares series, each under its own name',
    (_name, run) => {
      const names = (run.serverSeries ?? []).map((series) => series.name);

      expect(names.length).toBeGreaterThan(0);
      expect(new Set(names).size).toBe(names.length);
    },
  );

  it('When every declared query is sent to Prometheus, then Prometheus accepts it', async () => {
    const client = createPrometheusClient({ url: prometheus.url });
    const queries = new Set(
      runs.flatMap(({ run }) => (run.serverSeries ?? []).map((series) => series.query)),
    );

    const rejected: string[] = [];
    for (const query of queries) {
      await client.query(query.replaceAll('$range', '20s')).catch((error: Error) => {
        rejected.push(error.message);
      });
    }

    expect(rejected).toEqual([]);
    expect(queries.size).toBeGreaterThan(10);
  });
});
