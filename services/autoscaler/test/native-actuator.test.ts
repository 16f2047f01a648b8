import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot, type StageRef, stackDown, stackStatus, stackUp } from '@scaling/stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNativeActuator } from '../src/native-actuator.ts';

/** nginx on 18150 over echo replicas on 18151.. (fixtures/stage), its state in a fresh folder. */
const stage: StageRef = {
  name: 'autoscaler-fixture',
  root: repoRoot,
  composeFile: join(import.meta.dirname, 'fixtures', 'stage', 'docker-compose.yml'),
  stateDir: mkdtempSync(join(tmpdir(), 'autoscaler-fixture-')),
};
// mkdtemp makes the folder private to root; nginx runs as an unprivileged account and must read its configuration.
chmodSync(stage.stateDir, 0o755);
const quiet = { output: () => {} };

/** Who answers through nginx: each echo replica names itself. */
async function answeringReplicas(requests: number): Promise<string[]> {
  const seen = new Set<string>();
  for (let sent = 0; sent < requests; sent += 1) {
    const response = await fetch('http://127.0.0.1:18150/work', { signal: AbortSignal.timeout(5_000) });
    expect(response.status).toBe(200);
    seen.add(((await response.json()) as { instance: string }).instance);
  }
  return [...seen].sort();
}

describe('Native actuator on a fixture stage run by the native runner', () => {
  const lines: string[] = [];
  const actuator = createNativeActuator({
    stage,
    output: (line) => lines.push(line),
    readyTimeoutMs: 30_000,
  });

  beforeAll(async () => {
    await stackUp(stage, { ...quiet, readyTimeoutMs: 30_000 });
  }, 90_000);

  afterAll(async () => {
    await stackDown(stage, { ...quiet, volumes: true });
    rmSync(stage.stateDir, { recursive: true, force: true });
  }, 60_000);

  it('When the stage runs its 2 web replicas, then the actuator counts 2', async () => {
    expect(await actuator.replicas('web')).toBe(2);
  });

  it('When it scales web to 3, then the new replica is ready and nginx routes to it', async () => {
    const running = await actuator.scale('web', 3);

    expect(running).toBe(3);
    const web = (await stackStatus(stage, quiet)).filter((row) => row.service === 'web');
    expect(web.map((row) => `${row.instance}:${row.state}`)).toEqual([
      'web.1:ready',
      'web.2:ready',
      'web.3:ready',
    ]);
    expect(await answeringReplicas(9)).toEqual(['web.1', 'web.2', 'web.3']);
    expect(lines.join('\n')).toMatch(/web\.3: in rotation/);
  }, 60_000);

  it('When it scales web back to 2, then the highest replica leaves nginx and stops', async () => {
    const running = await actuator.scale('web', 2);

    expect(running).toBe(2);
    expect(await actuator.replicas('web')).toBe(2);
    expect(await answeringReplicas(9)).toEqual(['web.1', 'web.2']);
  }, 60_000);
});
