import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync, closeSync, openSync } from 'node:fs';
import { delimiter, dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { isRunning, logFile, type ProcessRecord, processStat } from './state.ts';
import type { PlannedService } from './types.ts';

/** Containers start with an empty environment; native processes get only what they need to find their tools. */
function processEnvironment(service: PlannedService): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = {};
  for (const key of ['HOME', 'LANG', 'LC_ALL', 'TZ', 'TMPDIR', 'USER']) {
    if (process.env[key] !== undefined) base[key] = process.env[key];
  }
  // `node` inside a service (e.g. a child script) must be the same Node 24 as the runner's.
  base.PATH = [dirname(process.execPath), process.env.PATH ?? '/usr/bin:/bin'].join(delimiter);
  return { ...base, ...service.env };
}

function spawnLogged(
  service: PlannedService,
  instance: string,
  stateDir: string,
  detached: boolean,
): ChildProcess {
  const file = logFile(stateDir, instance);
  appendFileSync(file, `\n--- ${new Date().toISOString()} starting ${instance}: ${service.argv.join(' ')}\n`);
  const output = openSync(file, 'a');
  try {
    const [command, ...args] = service.argv;
    return spawn(command as string, args, {
      cwd: service.cwd,
      env: processEnvironment(service),
      detached,
      stdio: ['ignore', output, output],
    });
  } finally {
    closeSync(output);
  }
}

async function spawned(child: ChildProcess, instance: string): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', (error) => reject(new Error(`Could not start ${instance}: ${error.message}`)));
  });
  return child.pid as number;
}

/** Starts a long-running process in its own session, so it outlives the CLI that started it. */
export async function startDetached(
  service: PlannedService,
  instance: string,
  stateDir: string,
): Promise<ProcessRecord> {
  const child = spawnLogged(service, instance, stateDir, true);
  const pid = await spawned(child, instance);
  child.unref();
  return {
    service: service.name,
    instance,
    pid,
    startTime: processStat(pid)?.startTime ?? '',
    argv: service.argv,
    startedAt: new Date().toISOString(),
  };
}

/** Runs a one-shot process to completion and returns its exit code. */
export async function runToCompletion(
  service: PlannedService,
  instance: string,
  stateDir: string,
): Promise<number> {
  const child = spawnLogged(service, instance, stateDir, false);
  await spawned(child, instance);
  return new Promise((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

/** Sends the stop signal, waits up to the grace period, then kills the whole process group. */
export async function stopProcess(
  record: ProcessRecord,
  signal: NodeJS.Signals,
  timeoutMs: number,
): Promise<'stopped' | 'killed'> {
  if (!isRunning(record)) return 'stopped';
  sendSignal(record.pid, signal);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isRunning(record)) return 'stopped';
    await sleep(100);
  }
  sendSignal(-record.pid, 'SIGKILL');
  sendSignal(record.pid, 'SIGKILL');
  while (isRunning(record)) await sleep(50);
  return 'killed';
}

function sendSignal(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}
