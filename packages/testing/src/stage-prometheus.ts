import { loadPlan } from '@scaling/stack';
import { expect } from 'vitest';

/** One scrape target as Prometheus reports it (GET /api/v1/targets). */
export interface PrometheusTarget {
  labels: { job: string; instance: string };
  health: string;
  lastError: string;
}

/** The Prometheus of a stage booted natively, at the address its plan gives it (the compose file's 127.0.0.1:9090). */
export function stagePrometheus(stage: number) {
  const prometheus = loadPlan(stage).services.find((service) => service.kind === 'prometheus');
  const port = prometheus?.instances[0]?.ports[0]?.host;
  if (!port)
    throw new Error(`Stage ${stage} runs no Prometheus: its compose file lost the prometheus service.`);
  const url = `http://127.0.0.1:${port}`;

  /** The `data` of a Prometheus API answer, which must be 200 within 5 s. */
  async function api<T>(path: string): Promise<T> {
    const response = await fetch(`${url}${path}`, { signal: AbortSignal.timeout(5000) });
    expect(response.status, `GET ${path}`).toBe(200);
    return ((await response.json()) as { data: T }).data;
  }

  return {
    url,
    api,
    targets: () =>
      api<{ activeTargets: PrometheusTarget[] }>('/api/v1/targets').then((data) => data.activeTargets),
    query: (promql: string) =>
      api<{ result: { metric: Record<string, string>; value: [number, string] }[] }>(
        `/api/v1/query?query=${encodeURIComponent(promql)}`,
      ).then((data) => data.result),
    /** Every target as `job:instance`, sorted, once all are up; fails naming each target that is not. */
    async upTargets(): Promise<string[]> {
      const active = await this.targets();
      const down = active.filter((target) => target.health !== 'up');
      expect(down.map((target) => `${target.labels.instance}: ${target.lastError || target.health}`)).toEqual(
        [],
      );
      return active.map((target) => `${target.labels.job}:${target.labels.instance}`).sort();
    },
  };
}
