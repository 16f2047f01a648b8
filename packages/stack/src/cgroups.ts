import {
  accessSync,
  constants,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmdirSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ResourceLimits } from './resources.ts';

/**
 * Docker enforces `cpus` and `mem_limit` with a cgroup per container; natively each instance gets one too, at
 * `scaling-conduit/<stage>/<instance>`: on cgroup v1 (separate `cpu` and `memory` hierarchies) below the group the
 * runner itself runs in, so a limit put on the runner still bounds its services; on the unified hierarchy (v2)
 * below the root, where the controllers can be enabled for a subtree.
 */
const cgroupRoot = '/sys/fs/cgroup';
const groupPrefix = 'scaling-conduit';

export type CgroupSupport = { version: 'v1' | 'v2' } | { version: null; reason: string };

let support: CgroupSupport | undefined;

export function cgroupSupport(): CgroupSupport {
  support ??= detectSupport();
  return support;
}

function detectSupport(): CgroupSupport {
  if (process.getuid?.() !== 0) return { version: null, reason: 'the runner is not root' };
  const unified = join(cgroupRoot, 'cgroup.controllers');
  const controllers = existsSync(unified) ? readFileSync(unified, 'utf8').split(/\s+/) : [];
  const version =
    controllers.includes('cpu') && controllers.includes('memory')
      ? 'v2'
      : existsSync(join(cgroupRoot, 'cpu', 'cpu.cfs_quota_us')) &&
          existsSync(join(cgroupRoot, 'memory', 'memory.limit_in_bytes'))
        ? 'v1'
        : null;
  if (version === null) {
    return {
      version: null,
      reason: `${cgroupRoot} has no cgroup filesystem with the cpu and memory controllers`,
    };
  }
  // A read-only cgroup filesystem (e.g. inside a container) shows the files but refuses new groups.
  const bases =
    version === 'v2'
      ? [cgroupRoot]
      : (['cpu', 'memory'] as const).map((controller) =>
          join(cgroupRoot, controller, baseGroup('v1', controller)),
        );
  try {
    for (const dir of bases) accessSync(dir, constants.W_OK);
  } catch (error) {
    return {
      version: null,
      reason: `no group can be created in ${bases[0]} (${(error as NodeJS.ErrnoException).code})`,
    };
  }
  return { version };
}

/** The sentence `up` and `ps` print once when a stage asks for limits the machine cannot enforce. */
export function unenforcedLimitsNote(reason: string): string {
  return `CPU and memory limits (cpus, mem_limit) are not enforced natively because ${reason}: every instance runs without them. Run the stack as root on a machine with cgroups to apply them.`;
}

/** Each process's cgroups from /proc: controller (or "" for the unified hierarchy) to path. */
function cgroupsOf(pid: number | 'self'): Map<string, string> {
  const groups = new Map<string, string>();
  let text = '';
  try {
    text = readFileSync(`/proc/${pid}/cgroup`, 'utf8');
  } catch {
    return groups;
  }
  for (const line of text.trim().split('\n')) {
    const [, controllers = '', path = '/'] = line.split(':');
    for (const controller of controllers === '' ? [''] : controllers.split(',')) {
      groups.set(controller, path);
    }
  }
  return groups;
}

/** The group an instance's own group is created in: where this process runs, minus any instance group it is in. */
function baseGroup(version: 'v1' | 'v2', controller: string): string {
  if (version === 'v2') return '/';
  const own = cgroupsOf('self').get(controller) ?? '/';
  const at = own.indexOf(`/${groupPrefix}/`);
  return at === -1 ? own : own.slice(0, at) || '/';
}

function hierarchy(version: 'v1' | 'v2', controller: 'cpu' | 'memory'): string {
  return version === 'v2' ? cgroupRoot : join(cgroupRoot, controller);
}

interface GroupDir {
  controller: 'cpu' | 'memory' | 'unified';
  dir: string;
}

function groupDirs(stage: string, instance: string, limits: ResourceLimits): GroupDir[] {
  const current = cgroupSupport();
  if (current.version === null) return [];
  if (current.version === 'v2') {
    return [{ controller: 'unified', dir: join(cgroupRoot, groupPrefix, stage, instance) }];
  }
  const { version } = current;
  return (['cpu', 'memory'] as const)
    .filter((controller) => (controller === 'cpu' ? limits.cpus : limits.memoryBytes) !== undefined)
    .map((controller) => ({
      controller,
      dir: join(cgroupRoot, controller, baseGroup(version, controller), groupPrefix, stage, instance),
    }));
}

/** The folders of one instance's group, one per hierarchy it needs (v2: one). */
export function instanceCgroupDirs(stage: string, instance: string, limits: ResourceLimits): string[] {
  return groupDirs(stage, instance, limits).map((group) => group.dir);
}

/** The stage's folder in each hierarchy, for `down` to remove once every instance's group is gone. */
export function stageCgroupDirs(stage: string): string[] {
  const current = cgroupSupport();
  if (current.version === null) return [];
  const { version } = current;
  const controllers = version === 'v2' ? (['cpu'] as const) : (['cpu', 'memory'] as const);
  return controllers.map((controller) =>
    join(hierarchy(version, controller), baseGroup(version, controller), groupPrefix, stage),
  );
}

/** Creates the instance's group(s) and writes its limits; returns the folders whose `cgroup.procs` it must enter. */
export function createInstanceCgroup(stage: string, instance: string, limits: ResourceLimits): string[] {
  const groups = groupDirs(stage, instance, limits);
  for (const { controller, dir } of groups) {
    if (controller === 'unified') enableControllersDownTo(dir);
    mkdirSync(dir, { recursive: true });
    if (controller === 'unified') {
      const cpuMax = limits.cpus === undefined ? 'max' : `${quotaOf(limits.cpus, 100_000)} 100000`;
      writeFileSync(join(dir, 'cpu.max'), cpuMax);
      writeFileSync(join(dir, 'memory.max'), String(limits.memoryBytes ?? 'max'));
    } else if (controller === 'cpu') {
      const period = Number(readFileSync(join(dir, 'cpu.cfs_period_us'), 'utf8'));
      writeFileSync(join(dir, 'cpu.cfs_quota_us'), String(quotaOf(limits.cpus ?? 0, period)));
    } else {
      writeFileSync(join(dir, 'memory.limit_in_bytes'), String(limits.memoryBytes));
    }
  }
  return groups.map((group) => group.dir);
}

const quotaOf = (cpus: number, period: number) => Math.max(1000, Math.round(cpus * period));

/** On the unified hierarchy a group's controllers must be enabled in every ancestor's `cgroup.subtree_control`. */
function enableControllersDownTo(dir: string): void {
  const parts = dir.slice(cgroupRoot.length).split('/').filter(Boolean);
  for (let depth = 0; depth < parts.length; depth++) {
    const ancestor = join(cgroupRoot, ...parts.slice(0, depth));
    mkdirSync(ancestor, { recursive: true });
    writeFileSync(join(ancestor, 'cgroup.subtree_control'), '+cpu +memory');
  }
}

/**
 * The command that runs `argv` inside the groups: a shell puts itself (its pid is the service's, since it `exec`s) into
 * each group before the program runs any code, and exits without running it if it cannot.
 */
export function inCgroups(dirs: string[], argv: string[]): string[] {
  if (dirs.length === 0) return argv;
  const enter = dirs.map((dir) => `echo $$ > '${dir.replaceAll("'", "'\\''")}/cgroup.procs'`);
  return ['/bin/sh', '-c', `${enter.join(' && ')} && exec "$@"`, 'sh', ...argv];
}

/**
 * Removes an instance's groups once the service has exited: whatever it left running in them is killed first, as
 * Docker ends a container's last processes. Returns the folders it could not remove.
 */
export async function removeCgroups(dirs: string[], timeoutMs = 5000): Promise<string[]> {
  const left: string[] = [];
  for (const dir of dirs) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      killMembers(dir);
      try {
        rmdirSync(dir);
        break;
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') break;
        if (Date.now() > deadline || (code !== 'EBUSY' && code !== 'ENOTEMPTY')) {
          left.push(dir);
          break;
        }
        await sleep(50);
      }
    }
  }
  return left;
}

function killMembers(dir: string): void {
  let members: string[] = [];
  try {
    members = readFileSync(join(dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean);
  } catch {
    return;
  }
  for (const pid of members) {
    try {
      process.kill(Number(pid), 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}

/** Removes the stage's folders and the shared one when nothing is left in them. */
export function removeEmptyStageCgroups(stage: string): void {
  for (const dir of stageCgroupDirs(stage)) {
    for (const folder of [dir, join(dir, '..')]) {
      if (!existsSync(folder)) continue;
      if (readdirSync(folder, { withFileTypes: true }).some((entry) => entry.isDirectory())) break;
      try {
        rmdirSync(folder);
      } catch {
        break;
      }
    }
  }
}

/**
 * A supervisor started from inside an instance (the autoscaler scaling its stage) would otherwise live in that
 * instance's group, so the autoscaler's limits would bound the replicas it starts: it moves itself to the base group.
 */
export function leaveInstanceCgroups(): void {
  const current = cgroupSupport();
  if (current.version === null) return;
  for (const [controller, path] of cgroupsOf('self')) {
    if (!path.includes(`/${groupPrefix}/`)) continue;
    if (current.version === 'v1' && controller !== 'cpu' && controller !== 'memory') continue;
    if (current.version === 'v2' && controller !== '') continue;
    const base = baseGroup(current.version, controller || 'cpu');
    const mount = current.version === 'v2' ? cgroupRoot : join(cgroupRoot, controller);
    writeFileSync(join(mount, base, 'cgroup.procs'), String(process.pid));
  }
}

/** The limits the kernel enforces on a process, read from the instance group it runs in (none outside one). */
export function enforcedLimits(pid: number): ResourceLimits | null {
  const current = cgroupSupport();
  if (current.version === null) return null;
  const groups = cgroupsOf(pid);
  const ours = (controller: string) => {
    const path = groups.get(controller);
    return path?.includes(`/${groupPrefix}/`) ? path : undefined;
  };
  const read = (file: string) => {
    try {
      return readFileSync(file, 'utf8').trim();
    } catch {
      return undefined;
    }
  };
  const limits: ResourceLimits = {};
  if (current.version === 'v2') {
    const path = ours('');
    if (!path) return null;
    const [quota, period] = (read(join(cgroupRoot, path, 'cpu.max')) ?? 'max').split(' ');
    if (quota !== 'max') limits.cpus = Number(quota) / Number(period);
    const memory = read(join(cgroupRoot, path, 'memory.max'));
    if (memory && memory !== 'max') limits.memoryBytes = Number(memory);
    return limits;
  }
  const cpu = ours('cpu');
  const memory = ours('memory');
  if (!cpu && !memory) return null;
  if (cpu) {
    const quota = Number(read(join(cgroupRoot, 'cpu', cpu, 'cpu.cfs_quota_us')));
    const period = Number(read(join(cgroupRoot, 'cpu', cpu, 'cpu.cfs_period_us')));
    if (quota > 0 && period > 0) limits.cpus = quota / period;
  }
  if (memory) {
    const bytes = Number(read(join(cgroupRoot, 'memory', memory, 'memory.limit_in_bytes')));
    // v1 reports "no limit" as a huge page-aligned number.
    if (bytes > 0 && bytes < 2 ** 62) limits.memoryBytes = bytes;
  }
  return limits;
}
