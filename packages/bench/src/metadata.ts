import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';

export interface RunMetadata {
  commit: string;
  /** Uncommitted changes were present: the commit alone does not reproduce the run. */
  dirty: boolean;
  startedAt: string;
  machine: { cores: number; memoryGiB: number; cpuModel: string; platform: string };
  nodeVersion: string;
  autocannonVersion: string;
  baseUrl: string;
  data: { scale: number; seed: number };
  /** How the stack was booted (replicas, CPU sets, compose variant), when not as its compose file says. */
  boot?: { scale?: Record<string, number>; cpusets?: Record<string, string[]>; variant?: string };
  /** Each long-running process of the stack and the CPUs it was pinned to (null: unpinned). */
  placement?: { instance: string; cpuset: string | null }[];
  loadGenerator: LoadGeneratorPlacement;
}

export interface LoadGeneratorPlacement {
  /** The CPUs the load generator may run on, as the kernel reports them (e.g. "1" or "0-1"). */
  cpus: string;
  /** The CPUs of the system under test, when known. */
  systemUnderTestCpus: string | undefined;
  /** True only when both CPU sets are known and share no CPU. */
  apartFromSystemUnderTest: boolean;
  /** A sentence for the reader of the results: apart, or sharing CPUs with what it measures. */
  note: string;
}

export function collectMetadata(input: {
  baseUrl: string;
  scale: number;
  seed: number;
  systemUnderTestCpus?: string;
  boot?: RunMetadata['boot'];
  placement?: RunMetadata['placement'];
}): RunMetadata {
  const cpusAllowed = currentCpus();
  const apart = input.systemUnderTestCpus
    ? disjoint(parseCpuList(cpusAllowed), parseCpuList(input.systemUnderTestCpus))
    : false;
  return {
    commit: git(['rev-parse', 'HEAD']) ?? 'unknown',
    // Results written earlier in the same session (the bench before the drills) do not make the code differ.
    dirty: (git(['status', '--porcelain', '--', '.', ':(exclude)stages/*/results/*']) ?? '') !== '',
    startedAt: new Date().toISOString(),
    machine: {
      // Not availableParallelism(): that follows this process's affinity, which pinning has narrowed.
      cores: cpus().length,
      memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
      cpuModel: cpus()[0]?.model ?? 'unknown',
      platform: `${process.platform}-${process.arch}`,
    },
    nodeVersion: process.version,
    autocannonVersion: autocannonVersion(),
    baseUrl: input.baseUrl,
    data: { scale: input.scale, seed: input.seed },
    ...(input.boot && Object.keys(input.boot).length > 0 ? { boot: input.boot } : {}),
    ...(input.placement ? { placement: input.placement } : {}),
    loadGenerator: {
      cpus: cpusAllowed,
      systemUnderTestCpus: input.systemUnderTestCpus,
      apartFromSystemUnderTest: apart,
      note: placementNote(cpusAllowed, input.systemUnderTestCpus, apart),
    },
  };
}

export function placementNote(
  loadCpus: string,
  systemUnderTestCpus: string | undefined,
  apart: boolean,
): string {
  if (apart)
    return `The load generator runs on CPU ${loadCpus}, apart from the stage (CPU ${systemUnderTestCpus}).`;
  return (
    `The load generator SHARES CPUs with the stage (load generator: CPU ${loadCpus}; stage: ` +
    `CPU ${systemUnderTestCpus ?? 'unpinned'}): its own work competes with the system it measures.`
  );
}

/** The CPU list this process may run on (Linux), e.g. "0-1". */
export function currentCpus(): string {
  try {
    const status = readFileSync('/proc/self/status', 'utf8');
    return /^Cpus_allowed_list:\s*(\S+)/m.exec(status)?.[1] ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Expands "0-2,5" into [0, 1, 2, 5]. */
export function parseCpuList(list: string): number[] {
  return list
    .split(',')
    .filter(Boolean)
    .flatMap((part) => {
      const [from, to] = part.split('-').map(Number) as [number, number | undefined];
      if (Number.isNaN(from) || (to !== undefined && Number.isNaN(to))) return [];
      return Array.from({ length: (to ?? from) - from + 1 }, (_, offset) => from + offset);
    });
}

function disjoint(a: number[], b: number[]): boolean {
  return a.length > 0 && b.length > 0 && !a.some((cpu) => b.includes(cpu));
}

function git(args: string[]): string | undefined {
  try {
    return execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

function autocannonVersion(): string {
  try {
    const url = import.meta.resolve('autocannon/package.json');
    return (JSON.parse(readFileSync(new URL(url), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}
