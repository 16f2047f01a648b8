import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** What `up` records about each process so that a later `ps` or `down` (another CLI run) can find it. */
export interface ProcessRecord {
  service: string;
  instance: string;
  pid: number;
  /** The kernel's start time of the pid: a recycled pid with another start time is not ours. */
  startTime: string;
  argv: string[];
  startedAt: string;
  /** Set once a one-shot process has finished. */
  exitCode?: number | null;
}

export const logFile = (stateDir: string, instance: string) => join(stateDir, 'logs', `${instance}.log`);
const recordFile = (stateDir: string, instance: string) => join(stateDir, 'run', `${instance}.json`);

export function prepareStateDir(stateDir: string): void {
  for (const folder of ['logs', 'run', 'volumes']) mkdirSync(join(stateDir, folder), { recursive: true });
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

export function writeRecord(stateDir: string, record: ProcessRecord): void {
  writeFileSync(recordFile(stateDir, record.instance), `${JSON.stringify(record, null, 2)}\n`);
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

export function isRunning(record: ProcessRecord | null): record is ProcessRecord {
  if (!record || record.exitCode !== undefined) return false;
  const stat = processStat(record.pid);
  return stat !== null && !stat.zombie && stat.startTime === record.startTime;
}

export function tail(file: string, lines = 40): string {
  if (!existsSync(file)) return '(no log yet)';
  return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
}
