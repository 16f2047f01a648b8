import { loadPlan } from '@scaling/stack';
import { createPrometheusClient, type PrometheusClient } from './prometheus-client.ts';
import type { ServerSeries } from './server-series.ts';
import { captureServerSeries, type ServerSeriesCapture } from './server-series-capture.ts';
import { summarizeCapture } from './server-series-report.ts';
import type { StageSession } from './stage-session.ts';

/** An experiment or drill, with the server-side series it reads (none when it declares none). */
export interface ReadsServerSeries {
  name: string;
  serverSeries?: ServerSeries[];
}

/** The Prometheus a running stage publishes (its `prometheus` service), if it has one. */
export function stagePrometheus(stage: number): PrometheusClient | undefined {
  const service = loadPlan(stage).services.find((candidate) => candidate.name === 'prometheus');
  const port = service?.ports[0]?.host;
  return port === undefined ? undefined : createPrometheusClient({ url: `http://127.0.0.1:${port}` });
}

/** Reads, from the stage's Prometheus, the series `run` declares over the window from `startedAtMs` until now. */
export async function captureRunSeries(
  session: Pick<StageSession, 'stage' | 'label'>,
  run: ReadsServerSeries,
  startedAtMs: number,
  output: (line: string) => void,
): Promise<ServerSeriesCapture> {
  const capture = await captureServerSeries({
    client: stagePrometheus(session.stage),
    series: run.serverSeries ?? [],
    run: run.name,
    column: session.label,
    startMs: startedAtMs,
    endMs: Date.now(),
    howToStart:
      `Prometheus is the stage's "prometheus" service and starts with it: install it with "make bootstrap", then ` +
      `see why it stopped with "pnpm stack logs ${session.stage} prometheus".`,
    output,
  });
  if (!capture.unavailable) output(`Server side: ${summarizeCapture(capture)}`);
  return capture;
}
