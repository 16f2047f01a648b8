import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';

const root = '/sys/fs/cgroup';

async function read(path: string): Promise<string> {
  return (await readFile(path, 'utf8')).trim();
}

/**
 * What the kernel enforces on a container's main process: its cgroup's memory limit and CPU set, read on the
 * host (cgroup v2 or v1) rather than inside the container, so that images without a shell (the exporters' public
 * images are FROM scratch) are measured too. Needs the engine on this machine and root, as `make test-docker` runs.
 */
export async function cgroupLimits(pid: number): Promise<{ memory: string; cpus: string }> {
  // Lines "hierarchy:controllers:path"; cgroup v2 has one, "0::path".
  const lines = (await read(`/proc/${pid}/cgroup`)).split('\n').map((line) => line.split(':'));
  if (existsSync(`${root}/cgroup.controllers`)) {
    const path = lines.find(([hierarchy]) => hierarchy === '0')?.[2] ?? '';
    return {
      memory: await read(`${root}${path}/memory.max`),
      cpus: await read(`${root}${path}/cpuset.cpus.effective`),
    };
  }
  const pathOf = (controller: string) =>
    lines.find(([, controllers]) => controllers?.split(',').includes(controller))?.[2] ?? '';
  return {
    memory: await read(`${root}/memory${pathOf('memory')}/memory.limit_in_bytes`),
    cpus: await read(`${root}/cpuset${pathOf('cpuset')}/cpuset.cpus`),
  };
}
