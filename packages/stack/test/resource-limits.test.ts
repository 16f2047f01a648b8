import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createInstanceCgroup, inCgroups, removeCgroups } from '../src/cgroups.ts';
import { stackDown, stackStatus } from '../src/index.ts';
import {
  cgroupDirOf,
  cgroupsEnforced,
  cpuQuotaOf,
  membersOf,
  memoryLimitOf,
} from './support/cgroup-files.ts';
import { fixtureStackDuringTests } from './support/fixture-stack.ts';
import { fixtureStage, fixturesDir } from './support/fixture-stage.ts';

/** `quota` (cpus 0.25, mem_limit 160m, x-native-environment) and `deployed` (deploy.resources.limits 0.5 / 128M). */
const stage = fixtureStage(join(fixturesDir, 'limits', 'docker-compose.yml'), 'limits');
const quiet = { output: () => {} };
const mebibytes = 1024 * 1024;

function environmentOf(pid: number): Record<string, string> {
  return Object.fromEntries(
    readFileSync(`/proc/${pid}/environ`, 'utf8')
      .split('\0')
      .filter(Boolean)
      .map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)]),
  );
}

describe('CPU and memory limits and the native environment, in the fixture stack', () => {
  const services = fixtureStackDuringTests(stage);
  const pidOf = (instance: string) => services().find((row) => row.instance === instance)?.pid as number;

  it('When a service sets x-native-environment, then natively it overrides environment and keeps the other keys', () => {
    const environment = environmentOf(pidOf('quota'));
    expect(environment.ACTUATOR).toBe('native');
    expect(environment.KEPT).toBe('from-environment');
  });

  it.skipIf(!cgroupsEnforced)(
    'When a service sets cpus: 0.25, then it runs in a cgroup of its own whose quota is a quarter of the period',
    () => {
      const pid = pidOf('quota');
      const dir = cgroupDirOf(pid, 'cpu');
      expect(dir.endsWith('/scaling-conduit/limits/quota')).toBe(true);
      expect(membersOf(dir)).toContain(pid);
      const { quotaUs, periodUs } = cpuQuotaOf(dir);
      expect(quotaUs).toBe(periodUs * 0.25);
    },
  );

  it.skipIf(!cgroupsEnforced)(
    'When a service sets mem_limit: 160m, then its memory cgroup holds it to 160 MiB',
    () => {
      const pid = pidOf('quota');
      const dir = cgroupDirOf(pid, 'memory');
      expect(dir.endsWith('/scaling-conduit/limits/quota')).toBe(true);
      expect(membersOf(dir)).toContain(pid);
      expect(memoryLimitOf(dir)).toBe(160 * mebibytes);
    },
  );

  it.skipIf(!cgroupsEnforced)(
    'When deploy.resources.limits sets cpus and memory, then they apply as cpus and mem_limit do',
    () => {
      const pid = pidOf('deployed');
      const cpu = cpuQuotaOf(cgroupDirOf(pid, 'cpu'));
      expect(cpu.quotaUs).toBe(cpu.periodUs * 0.5);
      expect(memoryLimitOf(cgroupDirOf(pid, 'memory'))).toBe(128 * mebibytes);
    },
  );

  it.skipIf(!cgroupsEnforced)(
    'When the status is read, then each instance shows the limits its cgroup enforces',
    async () => {
      const rows = await stackStatus(stage, quiet);
      expect(rows.map((row) => [row.instance, row.limits])).toEqual([
        ['quota', { cpus: 0.25, memoryBytes: 160 * mebibytes }],
        ['deployed', { cpus: 0.5, memoryBytes: 128 * mebibytes }],
      ]);
    },
  );

  it.skipIf(!cgroupsEnforced)(
    'When a supervisor starts inside an instance group (the autoscaler scaling), then it moves out of that group',
    async () => {
      const dirs = createInstanceCgroup('limits', 'autoscaler', { cpus: 0.5, memoryBytes: 256 * mebibytes });
      const cgroups = new URL('../src/cgroups.ts', import.meta.url).pathname;
      // What supervise.ts does first, then where the process finds itself.
      const script = `const m = await import(${JSON.stringify(cgroups)}); const fs = await import('node:fs');
        const before = fs.readFileSync('/proc/self/cgroup', 'utf8'); m.leaveInstanceCgroups();
        console.log(JSON.stringify([before, fs.readFileSync('/proc/self/cgroup', 'utf8')]));`;
      try {
        const [command, ...args] = inCgroups(dirs, [process.execPath, '--input-type=module', '-e', script]);
        const run = spawnSync(command as string, args, { encoding: 'utf8' });
        const [before, after] = JSON.parse(run.stdout) as [string, string];
        expect(before).toContain('/scaling-conduit/limits/autoscaler');
        expect(after).not.toContain('scaling-conduit');
      } finally {
        expect(await removeCgroups(dirs)).toEqual([]);
      }
    },
  );

  it.skipIf(!cgroupsEnforced)('When the stack goes down, then no instance cgroup is left', async () => {
    const dirs = ['quota', 'deployed'].flatMap((instance) =>
      (['cpu', 'memory'] as const).map((controller) => cgroupDirOf(pidOf(instance), controller)),
    );
    expect(dirs.every((dir) => existsSync(dir))).toBe(true);
    await stackDown(stage, quiet);
    expect(dirs.filter((dir) => existsSync(dir))).toEqual([]);
    expect(existsSync(join(dirs[0] as string, '..'))).toBe(false);
  });
});
