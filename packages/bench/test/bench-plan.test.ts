import { loadStageCompose, planStack, resolveStage } from '@scaling/stack';
import { describe, expect, it } from 'vitest';
import { planBoots } from '../src/benchmark.ts';
import { type AnyExperiment, beforeAndAfter, type Column, defineExperiment } from '../src/experiment.ts';
import { replicaScaling } from '../src/experiments/replica-scaling.ts';

function buildExperiment(name: string, columns?: Column[]): AnyExperiment {
  return defineExperiment<number>({
    name,
    title: name,
    description: name,
    scale: 1,
    ...(columns ? { columns } : {}),
    run: async () => 1,
    compare: () => ({ rows: [], panel: { title: name, unit: 'x', groups: [] } }),
  });
}

const stageColumns: Column[] = [
  { label: 'stage 2', stage: 2 },
  { label: 'stage 3', stage: 3 },
];

describe('planBoots', () => {
  it('When experiments share the benchmark columns, then each stage boots once and runs all of them, in order', () => {
    const boots = planBoots([buildExperiment('a'), buildExperiment('b')], { columns: stageColumns });
    expect(boots.map((boot) => boot.column.label)).toEqual(['stage 2', 'stage 3']);
    expect(boots[0]?.runs.map((run) => [run.experiment.name, run.columnIndex])).toEqual([
      ['a', 0],
      ['b', 0],
    ]);
  });

  it('When experiments bring their own columns, then each distinct boot runs once, and equal boots are shared', () => {
    const redis: Column = { label: 'Redis', stage: 3 };
    const boots = planBoots(
      [
        buildExperiment('sessions', [
          { label: 'memory', stage: 3, boot: { variant: 'memory-sessions' } },
          redis,
        ]),
        buildExperiment('replicas', [
          { label: 'one', stage: 3, boot: { scale: { app: 1 } } },
          { label: 'plain stage 3', stage: 3 },
        ]),
      ],
      { columns: stageColumns },
    );
    expect(boots.map((boot) => boot.column.label)).toEqual(['memory', 'Redis', 'one']);
    expect(boots[1]?.runs.map((run) => [run.experiment.name, run.columnIndex])).toEqual([
      ['sessions', 1],
      ['replicas', 1],
    ]);
  });
});

describe('beforeAndAfter', () => {
  it('When a two-column experiment gets its results, then they come as a pair, and any other count is refused', () => {
    expect(beforeAndAfter([1, 2])).toEqual([1, 2]);
    expect(() => beforeAndAfter([1])).toThrow(/exactly 2 results/);
  });
});

describe('replica-scaling', () => {
  it.each(replicaScaling.columns ?? [])(
    'When the column "$label" boots stage 3, then its login limits are far above what one load generator sends',
    (column) => {
      const stage = resolveStage(column.stage);
      const { variant, scale, cpusets } = column.boot ?? {};
      const plan = planStack(loadStageCompose(stage, variant), stage, {
        ...(scale ? { scale } : {}),
        ...(cpusets ? { cpusets } : {}),
      });
      const service = (name: string) => plan.services.find((candidate) => candidate.name === name);
      const zone = service('nginx')?.setup?.files['mounts/etc/nginx/conduit/sign-in-limit.conf'] ?? '';
      // The shipped limits: nginx 10 a second, the app 30 a minute per address and 10 in 15 minutes per account.
      // An empty key is what lifts nginx's: it then counts no request.
      expect(zone).toMatch(/^limit_req_zone "" zone=sign_in:/m);
      expect(Number(service('app')?.env.AUTH_ATTEMPTS_PER_ADDRESS)).toBeGreaterThan(100_000);
      expect(Number(service('app')?.env.AUTH_ATTEMPTS_PER_ACCOUNT)).toBeGreaterThan(100_000);
    },
  );
});
