import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { parseCompose } from './compose.ts';
import { composePrometheusConfig } from './prometheus-config.ts';
import { prometheusRules } from './prometheus-rules.ts';
import type { StageRef } from './stage.ts';

export interface GeneratedFile {
  path: string;
  content: string;
}

/**
 * A stage's config/prometheus.yml and config/prometheus-rules.yml as its docker-compose.yml implies them. The
 * topology is read with every variable at its default, so the files do not depend on who generates them.
 */
export function prometheusFiles(stage: StageRef): GeneratedFile[] {
  const compose = parseCompose(readFileSync(stage.composeFile, 'utf8'), {}, stage.composeFile);
  const config = join(dirname(stage.composeFile), 'config');
  return [
    { path: join(config, 'prometheus.yml'), content: composePrometheusConfig(compose, stage.name) },
    { path: join(config, 'prometheus-rules.yml'), content: prometheusRules(compose, stage.name) },
  ];
}

/** The generated files that differ from what is on disk. */
export function stalePrometheusFiles(stage: StageRef): GeneratedFile[] {
  return prometheusFiles(stage).filter(
    (file) => !existsSync(file.path) || readFileSync(file.path, 'utf8') !== file.content,
  );
}

/** `pnpm stack prometheus <stage>`: writes the files that changed and says which. */
export function writePrometheusFiles(stage: StageRef, output: (line: string) => void = console.log): void {
  const stale = stalePrometheusFiles(stage);
  for (const file of stale) {
    writeFileSync(file.path, file.content);
    output(`wrote ${relative(stage.root, file.path)}`);
  }
  if (stale.length === 0) output(`${stage.name}: the Prometheus configuration and rules are up to date.`);
}
