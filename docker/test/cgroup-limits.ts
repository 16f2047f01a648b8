import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';

const root = '/sys/fs/cgroup';

async function read(path: string): Promise<string> {
  return (await readFile(path, 'utf8')).trim();
}

/** CPU time per period as a number of CPUs (compose's `cpus: 0.25`), or undefined when unlimited (-1, "max"). */
function cpuQuota(quota: string, period: string): number | undefined {
  return quota === 'max' || Number(quota) < 0 ? undefined : Number(quota) / Number(period);
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
  // Lines "hierarchy:controllers:path"; cgroup v2 has one, "0::path".
  const lines = (await read(`/proc/${pid}/cgroup`)).split('\n').map((line) => line.split(':'));
  if (existsSync(`${root}/cgroup.controllers`)) {
    const path = lines.find(([hierarchy]) => hierarchy === '0')?.[2] ?? '';
    const [quota = 'max', period = '100000'] = (await read(`${root}${path}/cpu.max`)).split(' ');
    return {
      memory: await read(`${root}${path}/memory.max`),
      cpus: await read(`${root}${path}/cpuset.cpus.effective`),
      cpuQuota: cpuQuota(quota, period),
    };
  }
  const pathOf = (controller: string) =>
    lines.find(([, controllers]) => controllers?.split(',').includes(controller))?.[2] ?? '';
  const cpu = `${root}/cpu${pathOf('cpu')}`;
  return {
    memory: await read(`${root}/memory${pathOf('memory')}/memory.limit_in_bytes`),
    cpus: await read(`${root}/cpuset${pathOf('cpuset')}/cpuset.cpus`),
    cpuQuota: cpuQuota(await read(`${cpu}/cpu.cfs_quota_us`), await read(`${cpu}/cpu.cfs_period_us`)),
  };
}
