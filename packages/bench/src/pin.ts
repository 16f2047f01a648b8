import { execFileSync } from 'node:child_process';
import { cpus as onlineCpus } from 'node:os';
import { currentCpus } from './metadata.ts';

/**
 * Moves this process (all its threads) onto the given CPUs with taskset, so the load generator stops stealing
 * CPU time from the system under test. Returns false (and changes nothing) when that is impossible here.
 */
export function pinProcess(cpus: string): boolean {
  if (process.platform !== 'linux' || onlineCpus().length < 2) return false;
  try {
    execFileSync('taskset', ['--all-tasks', '--cpu-list', '--pid', cpus, String(process.pid)], {
      stdio: 'ignore',
    });
    return currentCpus() === cpus;
  } catch {
    return false;
  }
}
