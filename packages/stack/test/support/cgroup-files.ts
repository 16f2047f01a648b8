import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cgroupSupport } from '../../src/index.ts';

/** Read straight from the kernel's files, not through the runner: what a process's cgroups enforce. */
const root = '/sys/fs/cgroup';

export const cgroupsEnforced = cgroupSupport().version !== null;

/** The folder of the cgroup `pid` runs in for `controller` (one folder for both on the unified hierarchy). */
export function cgroupDirOf(pid: number, controller: 'cpu' | 'memory'): string {
  const lines = readFileSync(`/proc/${pid}/cgroup`, 'utf8')
    .trim()
    .split('\n')
    .map((line) => line.split(':'));
  if (cgroupSupport().version === 'v2') return join(root, lines.find(([id]) => id === '0')?.[2] ?? '/');
  const line = lines.find(([, controllers]) => controllers?.split(',').includes(controller));
  return join(root, controller, line?.[2] ?? '/');
}

export function cpuQuotaOf(dir: string): { quotaUs: number; periodUs: number } {
  if (cgroupSupport().version === 'v2') {
    const [quota, period] = readFileSync(join(dir, 'cpu.max'), 'utf8').trim().split(' ');
    return { quotaUs: quota === 'max' ? -1 : Number(quota), periodUs: Number(period) };
  }
  return {
    quotaUs: Number(readFileSync(join(dir, 'cpu.cfs_quota_us'), 'utf8')),
    periodUs: Number(readFileSync(join(dir, 'cpu.cfs_period_us'), 'utf8')),
  };
}

export function memoryLimitOf(dir: string): number {
  const file = cgroupSupport().version === 'v2' ? 'memory.max' : 'memory.limit_in_bytes';
  return Number(readFileSync(join(dir, file), 'utf8'));
}

export function membersOf(dir: string): number[] {
  return readFileSync(join(dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean).map(Number);
}
