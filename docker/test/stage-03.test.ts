import { expect } from 'vitest';
import { describeDockerStage, origin } from './docker-stage.ts';
import { readLoadWithFault } from './fault-load.ts';

/** Asks nginx until the given replica answers: it takes a restarted replica back after its fail_timeout. */
async function waitUntilServedBy(hostname: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const response = await fetch(`${origin}/api/tags`, { signal: AbortSignal.timeout(5_000) });
    await response.arrayBuffer();
    if (response.headers.get('x-served-by') === hostname) return true;
  }
  return false;
}

describeDockerStage({
  stage: 3,
  entry: 'nginx',
  drill: {
    title:
      "When one app replica's process is killed (SIGKILL) under load, then no GET fails, and Docker's restart policy brings the replica back into nginx's rotation",
    timeoutMs: 180_000,
    async run(stack) {
      const replicas = (await stack.containers()).filter(
        (container) => container.Service === 'app' && container.State === 'running',
      );
      expect(replicas.length).toBe(3);
      const victimId = (replicas[1] as (typeof replicas)[number]).ID;
      const [before] = await stack.inspect(victimId);
      if (!before) throw new Error(`docker inspect found no container ${victimId}.`);
      const report = await readLoadWithFault({
        origin,
        label: 'stage 3 (Docker) replica SIGKILL',
        requestsPerSecond: 40,
        durationSeconds: 25,
        faultAtSeconds: 5,
        async inject(mark) {
          // The container's main process, killed from outside as the OOM killer or a crash would: no drain,
          // and not `docker kill`, which counts as a manual stop and so is never restarted.
          process.kill(before.State.Pid, 'SIGKILL');
          mark(`SIGKILL ${before.Config.Hostname}`);
          await stack.waitHealthy(victimId, 120_000, before.State.Pid);
          mark('replica healthy again');
        },
      });
      console.log(`[docker] stage 3 drill: ${report.summary}`);
      const [after] = await stack.inspect(victimId);
      expect(report.failed).toEqual([]);
      expect(after?.RestartCount).toBe(before.RestartCount + 1);
      expect(after?.State.Pid).not.toBe(before.State.Pid);
      expect(await waitUntilServedBy(before.Config.Hostname, 30_000)).toBe(true);
    },
  },
});
