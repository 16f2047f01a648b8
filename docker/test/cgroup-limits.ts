import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';

const root = '/sys/fs/cgroup';
const unified = existsSync(`${root}/cgroup.controllers`);

async function read(path: string): Promise<string> {
  return (await readFile(path, 'utf8')).trim();
}

/** CPU time per period as a number of CPUs (compose's `cpus: 0.25`), or undefined when unlimited (-1, "max"). */
function cpuQuota(quota: string, period: string): number | undefined {
  return quota === 'max' || Number(quota) < 0 ? undefined : Number(quota) / Number(period);
}

/** Where a process's cgroup keeps a controller's files: one folder on cgroup v2, one per controller on v1. */
async function cgroupFolder(pid: number): Promise<(controller: string) => string> {
  // Lines "hierarchy:controllers:path"; cgroup v2 has one, "0::path".
  const lines = (await read(`/proc/${pid}/cgroup`)).split('\n').map((line) => line.split(':'));
  if (unified) {
    const path = lines.find(([hierarchy]) => hierarchy === '0')?.[2] ?? '';
    return () => `${root}${path}`;
  }
  return (controller) =>
    `${root}/${controller}${lines.find(([, controllers]) => controllers?.split(',').includes(controller))?.[2] ?? ''}`;
}

/**
 * What the kernel enforces on a container's main process: its cgroup's memory limit, CPU set and CPU quota, read
 * on the host (cgroup v2 or v1) rather than inside the container, so that images without a shell (the exporters'
 * public images are FROM scratch) are measured too. Needs the engine on this machine and root, as
 * `make test-docker` runs.
 */
export async function cgroupLimits(
  pid: number,
): Promise<{ memory: string; cpus: string; cpuQuota: number | undefined }> {
  const folder = await cgroupFolder(pid);
  if (unified) {
    const [quota = 'max', period = '100000'] = (await read(`${folder('cpu')}/cpu.max`)).split(' ');
    return {
      memory: await read(`${folder('memory')}/memory.max`),
      cpus: await read(`${folder('cpuset')}/cpuset.cpus.effective`),
      cpuQuota: cpuQuota(quota, period),
    };
  }
  return {
    memory: await read(`${folder('memory')}/memory.limit_in_bytes`),
    cpus: await read(`${folder('cpuset')}/cpuset.cpus`),
    cpuQuota: cpuQuota(
      await read(`${folder('cpu')}/cpu.cfs_quota_us`),
      await read(`${folder('cpu')}/cpu.cfs_period_us`),
    ),
  };
}

/**
 * The most memory a container's cgroup has held since it started, in bytes (v1 `memory.max_usage_in_bytes`, v2
 * `memory.peak`, which kernels before 5.19 lack: undefined then). Page cache included, as the limit counts it.
 */
export async function cgroupMemoryPeak(pid: number): Promise<number | undefined> {
  const folder = (await cgroupFolder(pid))('memory');
  const file = unified ? `${folder}/memory.peak` : `${folder}/memory.max_usage_in_bytes`;
  return existsSync(file) ? Number(await read(file)) : undefined;
}
