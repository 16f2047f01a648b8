import { expect } from 'vitest';
import { describeDockerStage, origin } from './docker-stage.ts';
import { isFailure, readLoadWithFault } from './fault-load.ts';

/** Pools notice dead connections on use: failures may show this long after Postgres is healthy again. */
const settleMs = 5_000;

describeDockerStage({
  stage: 2,
  entry: 'app',
  drill: {
    title:
      "When Postgres's container restarts under load, then the app container rides it out without a restart and reads fail only while the database is away",
    timeoutMs: 180_000,
    async run(stack) {
      const containers = await stack.containers();
      const app = containers.find((container) => container.Service === 'app');
      const postgres = containers.find((container) => container.Service === 'postgres');
      if (!app || !postgres) throw new Error('Stage 2 has no running app or postgres container.');
      const [appBefore] = await stack.inspect(app.ID);
      let restartAt = 0;
      let healthyAt = 0;
      const report = await readLoadWithFault({
        origin,
        label: 'stage 2 (Docker) postgres restart',
        requestsPerSecond: 40,
        durationSeconds: 25,
        faultAtSeconds: 5,
        async inject(mark) {
          restartAt = mark('docker compose restart postgres');
          await stack.restart('postgres');
          await stack.waitHealthy(postgres.ID, 90_000);
          healthyAt = mark('postgres healthy again');
        },
      });
      console.log(`[docker] stage 2 drill: ${report.summary}`);
      const [appAfter] = await stack.inspect(app.ID);
      expect(appAfter?.RestartCount).toBe(appBefore?.RestartCount);
      expect(appAfter?.State.StartedAt).toBe(appBefore?.State.StartedAt);
      expect(healthyAt).toBeGreaterThan(restartAt);
      // A request due shortly before the restart may still be waiting for its answer (5 s timeout) when it begins.
      const outsideOutage = report.failed.filter(
        (outcome) =>
          outcome.scheduledAtMs < restartAt - 5_000 || outcome.scheduledAtMs > healthyAt + settleMs,
      );
      expect(outsideOutage).toEqual([]);
      const afterwards = report.run.outcomes.filter(
        (outcome) => outcome.scheduledAtMs > healthyAt + settleMs,
      );
      expect(afterwards.length).toBeGreaterThan(0);
      expect(afterwards.filter(isFailure)).toEqual([]);
    },
  },
});
