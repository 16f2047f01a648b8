import { readdirSync, readFileSync } from 'node:fs';
import type { StackStatus } from '@scaling/stack';

/** Kernel clock ticks per second for /proc times (USER_HZ: 100 on every mainstream Linux build). */
const ticksPerSecond = 100;

export interface ProcessTimes {
  pid: number;
  parentPid: number;
  /** utime + stime + cutime + cstime: its own CPU time and that of the children it has reaped. */
  ticks: number;
}

export interface CpuTimes {
  /** Per CPU, from /proc/stat: ticks spent working, and in all. */
  busy: number;
  total: number;
}

/** A processor's times from a /proc/stat line such as `cpu0 10 0 5 100 2 0 1 0 0 0`. */
export function parseCpuLine(line: string): { cpu: number; times: CpuTimes } | null {
  const match = /^cpu(\d+)\s+(.*)$/.exec(line);
  if (!match) return null;
  const [user, nice, system, idle, iowait, irq, softirq, steal] = (match[2] as string)
    .trim()
    .split(/\s+/)
    .map(Number) as number[];
  const busy = (user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0);
  return { cpu: Number(match[1]), times: { busy, total: busy + (idle ?? 0) + (iowait ?? 0) } };
}

/** A process's times from its /proc/<pid>/stat line; the command name may hold spaces and parentheses. */
export function parseProcessStat(line: string): ProcessTimes | null {
  const close = line.lastIndexOf(')');
  if (close === -1) return null;
  const pid = Number(line.slice(0, line.indexOf(' ')));
  // After ") ": state(3) ppid(4) pgrp(5) session(6) tty(7) tpgid(8) flags(9) minflt..cmajflt(10-13) utime(14)
  // stime(15) cutime(16) cstime(17).
  const fields = line.slice(close + 2).split(' ');
  const at = (field: number) => Number(fields[field - 3]);
  if (Number.isNaN(pid) || Number.isNaN(at(17))) return null;
  return { pid, parentPid: at(4), ticks: at(14) + at(15) + at(16) + at(17) };
}

export interface CpuSnapshot {
  atMs: number;
  cpus: CpuTimes[];
  processes: Map<number, ProcessTimes>;
}

export function takeSnapshot(): CpuSnapshot {
  const cpus: CpuTimes[] = [];
  for (const line of readFileSync('/proc/stat', 'utf8').split('\n')) {
    const parsed = parseCpuLine(line);
    if (parsed) cpus[parsed.cpu] = parsed.times;
  }
  const processes = new Map<number, ProcessTimes>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const parsed = parseProcessStat(readFileSync(`/proc/${entry}/stat`, 'utf8'));
      if (parsed) processes.set(parsed.pid, parsed);
    } catch {
      // It exited between the listing and the read.
    }
  }
  return { atMs: performance.now(), cpus, processes };
}

/**
 * The process and everything it started (nginx's workers, Postgres's backends), as live in the snapshot, except the
 * subtrees rooted at `others`: processes counted under names of their own (stage 5's autoscaler starts replicas).
 */
export function processTree(
  snapshot: CpuSnapshot,
  rootPid: number,
  others: Set<number> = new Set(),
): number[] {
  const children = new Map<number, number[]>();
  for (const times of snapshot.processes.values()) {
    children.set(times.parentPid, [...(children.get(times.parentPid) ?? []), times.pid]);
  }
  const tree: number[] = [];
  const visit = (pid: number) => {
    if (!snapshot.processes.has(pid) || (pid !== rootPid && others.has(pid))) return;
    tree.push(pid);
    for (const child of children.get(pid) ?? []) visit(child);
  };
  visit(rootPid);
  return tree;
}

export interface CpuUsage {
  seconds: number;
  /** Per CPU: busy share of the window, in percent. */
  cpus: number[];
  /** Per named process group: CPU time over the window, in percent of one CPU. */
  groups: Record<string, number>;
}

/** A named process whose CPU time is read: with its whole process tree unless `alone`. */
export interface CpuGroup {
  name: string;
  pid: number;
  alone?: boolean;
}

/**
 * The groups a measurement of a running stage reads: each process of the stage with its children (e.g. Postgres's
 * backends), and this process alone as `loadGenerator`, since it sends the load on the same CPUs; alone, because
 * the supervisors it started (detached) must not count as load generator.
 */
export function stageCpuGroups(running: StackStatus[], loadGenerator: string): CpuGroup[] {
  const groups: CpuGroup[] = running.flatMap((row) =>
    row.pid === null ? [] : [{ name: row.instance, pid: row.pid }],
  );
  groups.push({ name: loadGenerator, pid: process.pid, alone: true });
  return groups;
}

/**
 * CPU spent between two snapshots: per processor, and per named group, where a group is a root pid and (unless
 * `alone`) its whole process tree. A process that started within the window counts from zero. The group's times at
 * the end minus its times at the start: a child that exits in the window adds its whole life to its parent's
 * (reaped children's) times, so what it had used before the window, counted at the start, must come off again.
 */
export function cpuUsageBetween(start: CpuSnapshot, end: CpuSnapshot, groups: CpuGroup[]): CpuUsage {
  const seconds = (end.atMs - start.atMs) / 1000;
  const percentOfOneCpu = (ticks: number) =>
    seconds > 0 ? Math.round((1000 * ticks) / ticksPerSecond / seconds) / 10 : 0;
  const usage: CpuUsage = {
    seconds,
    cpus: end.cpus.map((times, cpu) => {
      const before = start.cpus[cpu] ?? { busy: 0, total: 0 };
      const total = times.total - before.total;
      return total > 0 ? Math.round((1000 * (times.busy - before.busy)) / total) / 10 : 0;
    }),
    groups: {},
  };
  // A group's tree stops at another group's root, so no process counts twice.
  const roots = new Set(groups.map((group) => group.pid));
  const ticksOf = (snapshot: CpuSnapshot, group: { pid: number; alone?: boolean }) =>
    (group.alone ? [group.pid] : processTree(snapshot, group.pid, roots)).reduce(
      (sum, pid) => sum + (snapshot.processes.get(pid)?.ticks ?? 0),
      0,
    );
  for (const group of groups) {
    // A group whose root was not running at the start counts from zero.
    const before = start.processes.has(group.pid) ? ticksOf(start, group) : 0;
    usage.groups[group.name] = percentOfOneCpu(Math.max(0, ticksOf(end, group) - before));
  }
  return usage;
}
