import { type ChildProcess, spawn } from 'node:child_process';
import { constants } from 'node:os';
import { text } from 'node:stream/consumers';
import { createInstanceCgroup, inCgroups, leaveInstanceCgroups, removeCgroups } from './cgroups.ts';
import type { ResourceLimits } from './resources.ts';
import { type RestartPolicy, restartDelayMs, shouldRestart, stableRunMs } from './restart-policy.ts';
import { type ExitRecord, type ProcessRecord, processStat, writeRecord } from './state.ts';

/**
 * The supervisor of one long-running instance, what Docker's restart policy is to a container: it runs the service
 * process, records its pid, starts it again per the policy, and stops it gracefully on request.
 * Signals it understands: SIGTERM or SIGINT stop the service (its stop signal, SIGKILL after the grace period) and
 * then the supervisor; SIGHUP restarts the service the same graceful way. It reads its spec as JSON on stdin, and
 * its stdout and stderr are the instance's log, which the service process shares.
 */
export interface SupervisorSpec {
  service: string;
  instance: string;
  stateDir: string;
  argv: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  restart: RestartPolicy;
  stopSignal: NodeJS.Signals;
  stopTimeoutMs: number;
  /** Runs each start of the service in the cgroup `scaling-conduit/<stage>/<instance>` with these limits. */
  cgroup: { stage: string; limits: ResourceLimits } | null;
}

const spec = JSON.parse(await text(process.stdin)) as SupervisorSpec;
const log = (line: string) =>
  process.stdout.write(`--- ${new Date().toISOString()} ${spec.instance}: ${line}\n`);
leaveInstanceCgroups();

let record: ProcessRecord = {
  service: spec.service,
  instance: spec.instance,
  pid: process.pid,
  startTime: processStat(process.pid)?.startTime ?? '',
  argv: spec.argv,
  startedAt: new Date().toISOString(),
  child: null,
  restarts: 0,
};
const save = (changes: Partial<ProcessRecord>) => {
  record = { ...record, ...changes };
  writeRecord(spec.stateDir, record);
};

let child: ChildProcess | null = null;
let request: 'stop' | 'restart' | null = null;
let forced = false;
let wakeUp: (() => void) | null = null;

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is already gone.
  }
}

/** Stops the running service gracefully, or cuts a restart backoff short. */
function requestStop(kind: 'stop' | 'restart'): void {
  request = request === 'stop' ? 'stop' : kind;
  const running = child;
  if (!running?.pid) {
    wakeUp?.();
    return;
  }
  const pid = running.pid;
  running.kill(spec.stopSignal);
  setTimeout(() => {
    if (child !== running) return;
    forced = true;
    log(`did not stop within ${spec.stopTimeoutMs} ms after ${spec.stopSignal}: killing it`);
    signalGroup(pid, 'SIGKILL');
  }, spec.stopTimeoutMs).unref();
}

process.on('SIGTERM', () => requestStop('stop'));
process.on('SIGINT', () => requestStop('stop'));
process.on('SIGHUP', () => requestStop('restart'));

/** Runs the service once; the service gets its own process group, like a container, so nothing it started outlives it. */
async function runOnce(): Promise<ExitRecord> {
  let cgroups: string[] = [];
  try {
    cgroups = spec.cgroup ? createInstanceCgroup(spec.cgroup.stage, spec.instance, spec.cgroup.limits) : [];
  } catch (error) {
    log(`could not create its cgroup: ${(error as Error).message}; not starting it without its limits`);
    return { code: 126, signal: null, at: new Date().toISOString() };
  }
  save({ cgroups });
  const [command, ...args] = inCgroups(cgroups, spec.argv);
  const started = spawn(command as string, args, {
    cwd: spec.cwd,
    env: spec.env,
    detached: true,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  child = started;
  const exit = new Promise<ExitRecord>((resolve) => {
    started.once('error', (error) => {
      log(`could not start: ${error.message}`);
      resolve({ code: 127, signal: null, at: new Date().toISOString() });
    });
    started.once('exit', (code, signal) => resolve({ code, signal, at: new Date().toISOString() }));
  });
  if (started.pid !== undefined) {
    save({
      child: {
        pid: started.pid,
        startTime: processStat(started.pid)?.startTime ?? '',
        startedAt: new Date().toISOString(),
      },
    });
  }
  const result = await exit;
  child = null;
  if (started.pid !== undefined) signalGroup(started.pid, 'SIGKILL');
  const left = await removeCgroups(cgroups);
  if (left.length > 0) log(`could not remove its cgroup ${left.join(', ')}: processes are still in it`);
  save({ cgroups: left });
  return forced ? { ...result, forced } : result;
}

const exitCodeOf = (exit: ExitRecord) =>
  exit.code ?? 128 + (constants.signals[exit.signal as NodeJS.Signals] ?? 0);
const describeExit = (exit: ExitRecord) =>
  exit.signal ? `signal ${exit.signal}` : `exit code ${String(exit.code)}`;

function pause(ms: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    wakeUp = () => {
      clearTimeout(timer);
      resolve();
    };
  }).finally(() => {
    wakeUp = null;
  });
}

let failuresInARow = 0;
let previousExit: ExitRecord | null = null;
for (;;) {
  if (request === 'stop') break;
  if (previousExit) {
    log(`restarted after ${describeExit(previousExit)} (restart ${record.restarts})`);
  }
  const startedAt = Date.now();
  const exit = await runOnce();
  forced = false;
  save({ child: null, lastExit: exit });
  if (request === 'stop') break;
  if (request === 'restart') {
    request = null;
    previousExit = null;
    failuresInARow = 0;
    log(`stopped (${describeExit(exit)}) and starting again, as requested`);
    continue;
  }
  failuresInARow = Date.now() - startedAt >= stableRunMs ? 1 : failuresInARow + 1;
  const code = exitCodeOf(exit);
  if (!shouldRestart(spec.restart, code, failuresInARow)) {
    log(`exited with ${describeExit(exit)}; restart policy "${spec.restart.condition}": not restarting`);
    save({ exitCode: code });
    process.exit(0);
  }
  const delay = restartDelayMs(failuresInARow);
  log(`exited with ${describeExit(exit)}; restarting in ${delay} ms`);
  await pause(delay);
  if (request === 'restart') request = null;
  previousExit = exit;
  save({ restarts: (record.restarts ?? 0) + 1 });
}
log('stopped');
process.exit(0);
