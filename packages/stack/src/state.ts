import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { prepareSharedStateDir } from './state-dir.ts';

/** A process identified so that a recycled pid is never mistaken for it. */
export interface ProcessIdentity {
  pid: number;
  /** The kernel's start time of the pid: a recycled pid with another start time is not ours. */
  startTime: string;
}

export interface ExitRecord {
  code: number | null;
  signal: string | null;
  at: string;
  /** The process ignored its stop signal for the whole grace period and was killed. */
  forced?: boolean;
}

/**
 * What the runner knows about each instance, so that a later `ps` or `down` (another CLI run) can find it.
 * A long-running service is written by its supervisor: `pid` is the supervisor's, `child` the service process.
 */
export interface ProcessRecord extends ProcessIdentity {
  service: string;
  instance: string;
  argv: string[];
  startedAt: string;
  /** Set once a one-shot process has finished, or once a supervisor gave up restarting its service. */
  exitCode?: number | null;
  /** The supervised service process while it runs; null while it is being restarted. */
  child?: (ProcessIdentity & { startedAt: string }) | null;
  /** How many times the restart policy started the service again. */
  restarts?: number;
  lastExit?: ExitRecord;
  /** The cgroup folders the service runs in (its CPU and memory limits), removed when it exits. */
  cgroups?: string[];
}

export const logFile = (stateDir: string, instance: string) => join(stateDir, 'logs', `${instance}.log`);
const recordFile = (stateDir: string, instance: string) => join(stateDir, 'run', `${instance}.json`);

/** The stage's folders; outside the checkout (see state-dir.ts) also the shared root and the checkout's link. */
export function prepareStateDir(stage: { stateDir: string; link?: string }): void {
  if (stage.link) prepareSharedStateDir(stage.stateDir, stage.link);
  for (const folder of ['logs', 'run', 'volumes'])
    mkdirSync(join(stage.stateDir, folder), { recursive: true });
}

export function readRecord(stateDir: string, instance: string): ProcessRecord | null {
  const file = recordFile(stateDir, instance);
  if (!existsSync(file)) return null;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as ProcessRecord;
  } catch {
    return null;
  }
}

/** Written whole and renamed into place: the supervisor updates records while CLI runs read them. */
export function writeRecord(stateDir: string, record: ProcessRecord): void {
  const file = recordFile(stateDir, record.instance);
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(record, null, 2)}\n`);
  renameSync(temporary, file);
}

export function removeRecord(stateDir: string, instance: string): void {
  rmSync(recordFile(stateDir, instance), { force: true });
}

export function recordedInstances(stateDir: string): string[] {
  const folder = join(stateDir, 'run');
  if (!existsSync(folder)) return [];
  return readdirSync(folder)
    .filter((file) => file.endsWith('.json'))
    .map((file) => file.slice(0, -'.json'.length));
}

/** Field 22 of /proc/<pid>/stat, and whether the process is a zombie (dead, not yet reaped). */
export function processStat(pid: number): { startTime: string; zombie: boolean } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces, so count fields after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { startTime: fields[19] ?? '', zombie: fields[0] === 'Z' || fields[0] === 'X' };
  } catch {
    return null;
  }
}

export function isAlive(process: ProcessIdentity | null | undefined): boolean {
  if (!process) return false;
  const stat = processStat(process.pid);
  return stat !== null && !stat.zombie && stat.startTime === process.startTime;
}

/** The instance's own process (or its supervisor) is alive. */
export function isRunning(record: ProcessRecord | null): record is ProcessRecord {
  return record !== null && record.exitCode === undefined && isAlive(record);
}

/** The pid of the service process itself: the supervised child, or the process of an unsupervised record. */
export function servicePid(record: ProcessRecord | null): number | null {
  if (!isRunning(record)) return null;
  if (record.child === undefined) return record.pid;
  return record.child !== null && isAlive(record.child) ? record.child.pid : null;
}

export function tail(file: string, lines = 40): string {
  if (!existsSync(file)) return '(no log yet)';
  return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
}
