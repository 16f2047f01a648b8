import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Observation } from './observe.ts';
import type { ScrapeTarget } from './prometheus-client.ts';
import { renderSpanTree } from './span-tree.ts';
import { markdownTable } from './table.ts';

export interface ObservationContext {
  stageName: string;
  command: string;
  commit: string;
  dirty: boolean;
  date: string;
}

/** One line per scrape target: job, instance, health and, for one that is down, Prometheus' reason. */
export function renderTargets(targets: ScrapeTarget[]): string[] {
  return [...targets]
    .sort((a, b) => a.job.localeCompare(b.job) || a.instance.localeCompare(b.instance))
    .map(
      (target) =>
        `${target.health.padEnd(7)} ${target.job} ${target.instance}${target.lastError ? ` (${target.lastError})` : ''}`,
    );
}

/** The trace as text: the request, where to open it, and the span tree. */
export function renderTrace(observation: Observation): string[] {
  const { request, traceId, zipkinUrl, spans } = observation;
  return [
    `${request.method} ${request.path} → ${request.status} (served by ${request.servedBy ?? 'unknown'})`,
    `trace ${traceId}: ${spans.length} spans (${zipkinUrl}/zipkin/traces/${traceId})`,
    ...renderSpanTree(spans),
  ];
}

/** Writes the raw metrics, the targets, the trace (JSON and tree) and a README saying what they are. */
export function writeObservation(
  directory: string,
  observation: Observation,
  context: ObservationContext,
): string[] {
  mkdirSync(directory, { recursive: true });
  const metricsFile = `metrics-${observation.metricsInstance}.txt`;
  const files: Record<string, string> = {
    [metricsFile]: observation.metricsText,
    'targets.json': `${JSON.stringify(observation.targets, null, 2)}\n`,
    'trace.json': `${JSON.stringify(observation.spans, null, 2)}\n`,
    'trace.txt': `${renderTrace(observation).join('\n')}\n`,
    'README.md': `${renderReadme(observation, context, metricsFile).join('\n')}\n`,
  };
  return Object.entries(files).map(([name, text]) => {
    const path = join(directory, name);
    writeFileSync(path, text);
    return path;
  });
}

function renderReadme(observation: Observation, context: ObservationContext, metricsFile: string): string[] {
  const down = observation.targets.filter((target) => target.health !== 'up');
  return [
    `# Observing ${context.stageName}: metrics, scrape targets and one trace`,
    '',
    `Written by \`${context.command}\` on ${context.date.slice(0, 16).replace('T', ' ')} UTC, commit ` +
      `${context.commit.slice(0, 12)}${context.dirty ? ' (with uncommitted changes)' : ''}: the stage booted natively ` +
      'with every trace kept (`OTEL_TRACES_SAMPLER_ARG=1`), then stopped. Generated; do not edit.',
    '',
    markdownTable(
      ['file', 'what it is'],
      [
        [
          `\`${metricsFile}\``,
          `what ${observation.metricsInstance} served at \`${observation.metricsUrl}\` (Prometheus text, unedited)`,
        ],
        [
          '`targets.json`',
          `Prometheus' scrape targets (\`/api/v1/targets\`): ${observation.targets.length - down.length} of ` +
            `${observation.targets.length} up${down.length > 0 ? `; down: ${down.map((target) => target.instance).join(', ')}` : ''}`,
        ],
        [
          '`trace.json`',
          `Zipkin's \`/api/v2/trace/${observation.traceId}\`: the trace nginx logged for one authenticated ` +
            `\`${observation.request.method} ${observation.request.path}\``,
        ],
        [
          '`trace.txt`',
          'that trace as a tree: service, span kind and name, duration, the remote endpoint of a call',
        ],
      ],
    ),
    '',
    '```text',
    ...renderTrace(observation),
    '```',
  ];
}
