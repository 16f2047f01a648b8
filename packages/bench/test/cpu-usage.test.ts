import type { StackStatus } from '@scaling/stack';
import { describe, expect, it } from 'vitest';
import {
  type CpuSnapshot,
  cpuUsageBetween,
  type ProcessTimes,
  parseCpuLine,
  parseProcessStat,
  processTree,
  stageCpuGroups,
  takeSnapshot,
} from '../src/cpu-usage.ts';

/** A /proc/<pid>/stat line with the fields the parser reads: ppid, utime, stime, cutime, cstime. */
function statLine(pid: number, name: string, ppid: number, times: [number, number, number, number]): string {
  const [utime, stime, cutime, cstime] = times;
  return `${pid} (${name}) S ${ppid} ${pid} ${pid} 0 -1 4194304 100 0 0 0 ${utime} ${stime} ${cutime} ${cstime} 20 0 1 0`;
}

function buildSnapshot(atMs: number, cpus: [number, number][], processes: ProcessTimes[]): CpuSnapshot {
  return {
    atMs,
    cpus: cpus.map(([busy, total]) => ({ busy, total })),
    processes: new Map(processes.map((times) => [times.pid, times])),
  };
}

describe('parsing /proc', () => {
  it('When a CPU line is read, then busy excludes idle and iowait and total includes them', () => {
    expect(parseCpuLine('cpu1 10 2 5 100 3 1 1 1 0 0')).toEqual({ cpu: 1, times: { busy: 20, total: 123 } });
    expect(parseCpuLine('cpu  10 2 5 100 3 1 1 1 0 0')).toBeNull();
  });

  it('When a process name holds spaces and parentheses, then the fields after it are still found', () => {
    expect(parseProcessStat(statLine(42, 'node (app) x', 7, [10, 5, 3, 2]))).toEqual({
      pid: 42,
      parentPid: 7,
      ticks: 20,
    });
  });

  it('When this machine is sampled, then it sees its CPUs and this very process', () => {
    const snapshot = takeSnapshot();
    expect(snapshot.cpus.length).toBeGreaterThan(0);
    expect(snapshot.processes.get(process.pid)?.parentPid).toBe(process.ppid);
  });
});

describe('cpuUsageBetween', () => {
  const start = buildSnapshot(
    0,
    [
      [100, 1_000],
      [100, 1_000],
    ],
    [
      { pid: 10, parentPid: 1, ticks: 50 },
      { pid: 11, parentPid: 10, ticks: 20 },
      { pid: 20, parentPid: 1, ticks: 0 },
    ],
  );
  const end = buildSnapshot(
    2_000,
    [
      [150, 1_200],
      [300, 1_200],
    ],
    [
      { pid: 10, parentPid: 1, ticks: 80 },
      { pid: 11, parentPid: 10, ticks: 60 },
      { pid: 12, parentPid: 11, ticks: 10 },
      { pid: 20, parentPid: 1, ticks: 100 },
    ],
  );

  it('When a service has children, then its tree counts them, a child started in the window from zero', () => {
    expect(processTree(end, 10)).toEqual([10, 11, 12]);
    const usage = cpuUsageBetween(start, end, [
      { name: 'postgres', pid: 10 },
      { name: 'bench', pid: 20, alone: true },
    ]);
    // (30 + 40 + 10) ticks over 2 s at 100 ticks/s = 40% of one CPU; 100 ticks = 50%.
    expect(usage.groups).toEqual({ postgres: 40, bench: 50 });
    expect(usage.seconds).toBe(2);
  });

  it('When a process of the tree is counted under a name of its own, then its subtree counts there only', () => {
    // Pid 11 (and its child 12) as a replica the autoscaler (pid 10) started: 40 + 10 ticks, not under pid 10.
    const usage = cpuUsageBetween(start, end, [
      { name: 'autoscaler', pid: 10 },
      { name: 'app.3', pid: 11 },
    ]);
    expect(usage.groups).toEqual({ autoscaler: 15, 'app.3': 25 });
  });

  it('When a child exits in the window, then only what it used in the window counts, not its whole life', () => {
    // Pid 11 had used 20 ticks before the window and 5 in it, then exited: its parent reaped it, so the parent's
    // times (which count reaped children) grew by the child's whole 25, plus 30 of its own.
    const reaped = buildSnapshot(
      2_000,
      [
        [150, 1_200],
        [300, 1_200],
      ],
      [{ pid: 10, parentPid: 1, ticks: 50 + 30 + 25 }],
    );
    // (30 + 5) ticks over 2 s at 100 ticks/s = 17.5% of one CPU.
    expect(cpuUsageBetween(start, reaped, [{ name: 'postgres', pid: 10 }]).groups).toEqual({
      postgres: 17.5,
    });
  });

  it('When CPUs worked part of the window, then each gets its busy share in percent', () => {
    expect(cpuUsageBetween(start, end, []).cpus).toEqual([25, 100]);
  });
});

describe('stageCpuGroups', () => {
  it('When a stage is listed, then each running process counts with its tree and this process alone as the load generator', () => {
    const row: Omit<StackStatus, 'instance' | 'pid'> = {
      service: 'app',
      kind: 'node',
      supervisorPid: 1,
      state: 'ready',
      exitCode: null,
      restarts: 0,
      ports: [],
      limits: null,
    };
    const groups = stageCpuGroups(
      [
        { ...row, instance: 'app.1', pid: 101 },
        { ...row, instance: 'app.2', pid: null, state: 'stopped' },
      ],
      'load generator',
    );
    expect(groups).toEqual([
      { name: 'app.1', pid: 101 },
      { name: 'load generator', pid: process.pid, alone: true },
    ]);
  });
});
