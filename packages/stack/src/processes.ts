import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync, closeSync, openSync } from 'node:fs';
import { delimiter, dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { cgroupSupport, createInstanceCgroup, inCgroups, removeCgroups } from './cgroups.ts';
import { isRunning, logFile, type ProcessRecord, readRecord, removeRecord, servicePid } from './state.ts';
import type { SupervisorSpec } from './supervise.ts';
import type { PlannedInstance, PlannedService } from './types.ts';

/** Containers start with an empty environment; native processes get only what they need to find their tools. */
function processEnvironment(instance: PlannedInstance): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = {};
  for (const key of ['HOME', 'LANG', 'LC_ALL', 'TZ', 'TMPDIR', 'USER']) {
    if (process.env[key] !== undefined) base[key] = process.env[key];
  }
  // `node` inside a service (e.g. a child script) must be the same Node 24 as the runner's.
  base.PATH = [dirname(process.execPath), process.env.PATH ?? '/usr/bin:/bin'].join(delimiter);
  return { ...base, ...instance.env };
}

/** Opens the instance's log (appending, after a start line) and spawns the program with stdout and stderr in it. */
function spawnLogged(
  service: PlannedService,
  instance: PlannedInstance,
  stateDir: string,
  argv: string[],
  options: { detached: boolean; stdin: 'ignore' | 'pipe'; env: NodeJS.ProcessEnv },
): ChildProcess {
  const file = logFile(stateDir, instance.name);
  appendFileSync(
    file,
    `\n--- ${new Date().toISOString()} starting ${instance.name}: ${instance.argv.join(' ')}\n`,
  );
  const output = openSync(file, 'a');
  try {
    const [command, ...args] = argv;
    return spawn(command as string, args, {
      cwd: service.cwd,
      env: options.env,
      detached: options.detached,
      stdio: [options.stdin, output, output],
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

const supervisorScript = fileURLToPath(new URL('./supervise.ts', import.meta.url));

/**
 * Starts a long-running instance under its own supervisor (supervise.ts), in a session of its own so that both
 * outlive the CLI. Resolves once the supervisor has started the service process and recorded it.
 */
/** The cgroup an instance runs in, when its service has limits and this machine can enforce them. */
function cgroupOf(stage: string, service: PlannedService): SupervisorSpec['cgroup'] {
  return service.limits && cgroupSupport().version !== null ? { stage, limits: service.limits } : null;
}

export async function startSupervised(
  stage: { name: string; stateDir: string },
  service: PlannedService,
  instance: PlannedInstance,
): Promise<ProcessRecord> {
  const { stateDir } = stage;
  const name = instance.name;
  removeRecord(stateDir, name);
  const supervisor = spawnLogged(service, instance, stateDir, [process.execPath, supervisorScript], {
    detached: true,
    stdin: 'pipe',
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
  });
  const pid = await spawned(supervisor, name);
  let exited = false;
  supervisor.once('exit', () => {
    exited = true;
  });
  const spec: SupervisorSpec = {
    service: service.name,
    instance: name,
    stateDir,
    argv: instance.argv,
    cwd: service.cwd,
    env: processEnvironment(instance),
    restart: service.restart,
    stopSignal: service.stopSignal,
    stopTimeoutMs: service.stopTimeoutMs,
    cgroup: cgroupOf(stage.name, service),
  };
  supervisor.stdin?.end(JSON.stringify(spec));
  try {
    for (;;) {
      const record = readRecord(stateDir, name);
      if (record?.pid === pid && (record.child || record.lastExit || record.exitCode !== undefined)) {
        return record;
      }
      if (exited) {
        throw new Error(
          `The supervisor of ${name} exited before starting it: see ${logFile(stateDir, name)}.`,
        );
      }
      await sleep(20);
    }
  } finally {
    supervisor.unref();
  }
}

/** Runs a one-shot process to completion and returns its exit code. */
export async function runToCompletion(
  stage: { name: string; stateDir: string },
  service: PlannedService,
  instance: PlannedInstance,
): Promise<number> {
  const cgroup = cgroupOf(stage.name, service);
  const cgroups = cgroup ? createInstanceCgroup(stage.name, instance.name, cgroup.limits) : [];
  try {
    const child = spawnLogged(service, instance, stage.stateDir, inCgroups(cgroups, instance.argv), {
      detached: false,
      stdin: 'ignore',
      env: processEnvironment(instance),
    });
    await spawned(child, instance.name);
    return await new Promise((resolve) => {
      child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
    });
  } finally {
    await removeCgroups(cgroups);
  }
}

/** How long a supervisor may take beyond its service's grace period before it is killed too. */
const supervisorMarginMs = 3000;

/**
 * Stops an instance: a supervised one through its supervisor (the service's stop signal, SIGKILL after the grace
 * period), an unsupervised one with the stop signal itself. Whatever is left after that is killed with its process group.
 */
export async function stopProcess(
  stateDir: string,
  record: ProcessRecord,
  signal: NodeJS.Signals,
  timeoutMs: number,
): Promise<'stopped' | 'killed'> {
  const { instance } = record;
  if (!isRunning(record)) return 'stopped';
  const supervised = record.child !== undefined;
  sendSignal(record.pid, supervised ? 'SIGTERM' : signal);
  const deadline = Date.now() + timeoutMs + (supervised ? supervisorMarginMs : 0);
  while (Date.now() < deadline) {
    if (!isRunning(record)) {
      return readRecord(stateDir, instance)?.lastExit?.forced ? 'killed' : 'stopped';
    }
    await sleep(50);
  }
  const { child, cgroups = [] } = readRecord(stateDir, instance) ?? {};
  sendSignal(-record.pid, 'SIGKILL');
  sendSignal(record.pid, 'SIGKILL');
  if (child) sendSignal(-child.pid, 'SIGKILL');
  while (isRunning(record)) await sleep(50);
  // The killed supervisor could not remove its service's cgroup.
  await removeCgroups(cgroups);
  return 'killed';
}

/** Stops an instance's process if it runs (as stopProcess does), saying so on `output`, and forgets its record. */
export async function stopInstance(
  stateDir: string,
  instance: string,
  signal: NodeJS.Signals,
  timeoutMs: number,
  output: (line: string) => void,
): Promise<void> {
  const record = readRecord(stateDir, instance);
  if (isRunning(record)) {
    output(`${instance}: stopping (pid ${servicePid(record) ?? record.pid})...`);
    const how = await stopProcess(stateDir, record, signal, timeoutMs);
    output(`${instance}: ${how === 'killed' ? `killed after ${timeoutMs} ms` : 'stopped'}`);
  }
  removeRecord(stateDir, instance);
}

export function sendSignal(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}
