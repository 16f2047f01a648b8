import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A stage's folder, where `docker compose` finds its compose file. */
export function stageDir(folder: string): string {
  return resolve(import.meta.dirname, '../../stages', folder);
}

/** One service of `docker compose config --format json`: the compose file as the engine receives it. */
export interface ResolvedService {
  image?: string;
  build?: unknown;
  ports?: { published?: string; target: number; host_ip?: string }[];
  mem_limit?: string | number;
  cpuset?: string;
  /** CPU time per period, in CPUs (`cpus: 0.25`). */
  cpus?: number | string;
  stop_grace_period?: string;
  stop_signal?: string;
  restart?: string;
  healthcheck?: { test?: string[]; disable?: boolean };
  deploy?: { replicas?: number };
  environment?: Record<string, string | null>;
}

/** One line of `docker compose ps --format json`. */
export interface ComposeContainer {
  ID: string;
  Name: string;
  Service: string;
  State: string;
  Health: string;
  Publishers: { URL: string; TargetPort: number; PublishedPort: number; Protocol: string }[] | null;
}

/** The parts of `docker inspect` the tests read. */
export interface InspectedContainer {
  Id: string;
  Name: string;
  RestartCount: number;
  State: {
    Pid: number;
    StartedAt: string;
    Status: string;
    Health?: { Status: string };
  };
  Config: {
    Hostname: string;
    User: string;
    StopTimeout?: number;
    StopSignal?: string;
    Labels: Record<string, string>;
  };
  HostConfig: { Memory: number; CpusetCpus: string; ShmSize: number; RestartPolicy: { Name: string } };
  NetworkSettings: { Networks: Record<string, { IPAddress: string }> };
}

interface ExecError extends Error {
  stderr?: string;
  killed?: boolean;
  signal?: string;
}

async function docker(
  args: string[],
  cwd: string,
  timeoutMs: number,
  hint: string,
  environment: Record<string, string> = {},
): Promise<string> {
  try {
    const { stdout } = await run('docker', args, {
      cwd,
      timeout: timeoutMs,
      maxBuffer: 64 * 1024 * 1024,
      env: { ...process.env, ...environment },
    });
    return stdout;
  } catch (error) {
    const failed = error as ExecError;
    const why = failed.killed
      ? `it did not finish within ${timeoutMs / 1000} s`
      : (failed.stderr ?? failed.message).trim().split('\n').slice(-15).join('\n');
    throw new Error(`'docker ${args.join(' ')}' in ${cwd} failed: ${why}\n${hint}`);
  }
}

/** Seconds with one decimal, from a `performance.now()` start. */
export function secondsSince(startedAt: number): number {
  return Math.round((performance.now() - startedAt) / 100) / 10;
}

/**
 * `docker compose` in one stage's folder, each call with a timeout and a hint on failure. `environment`: variables
 * the compose file interpolates (`${NAME:-default}`), as a user's shell or .env would set them.
 */
export function composeStack(folder: string, environment: Record<string, string> = {}) {
  const cwd = stageDir(folder);
  const compose = (args: string[], timeoutMs: number, hint: string) =>
    docker(['compose', ...args], cwd, timeoutMs, hint, environment);
  const logsHint = `Look at 'docker compose ps -a' and 'docker compose logs' in ${cwd}; 'make test-docker' brings the engine and images.`;

  const stack = {
    folder,
    cwd,
    async config(): Promise<{ name: string; services: Record<string, ResolvedService> }> {
      return JSON.parse(
        await compose(['config', '--format', 'json'], 30_000, 'The compose file does not resolve.'),
      );
    },
    async build(): Promise<void> {
      await compose(['build'], 900_000, `Run 'docker compose build' in ${cwd} to see the whole build log.`);
    },
    /** Creates and starts every service and returns once all are running and healthy (or completed). */
    async up(): Promise<void> {
      try {
        await compose(['up', '--detach', '--wait', '--wait-timeout', '240'], 300_000, logsHint);
      } catch (error) {
        const logs = await compose(['logs', '--no-color', '--tail', '20'], 30_000, '').catch(() => '');
        throw new Error(`${(error as Error).message}\nLast log lines:\n${logs}`);
      }
    },
    /**
     * Creates or recreates one service's containers (when its configuration changed), leaving every other service
     * as it runs, and returns once they are running and healthy.
     */
    async upService(service: string): Promise<void> {
      await compose(['up', '--detach', '--wait', '--no-deps', service], 180_000, logsHint);
    },
    /** What a service's containers wrote (both streams, every run), the last `lines` of each, prefixed by its name. */
    async logs(service: string, lines: number): Promise<string> {
      return compose(['logs', '--no-color', '--tail', String(lines), service], 30_000, logsHint);
    },
    async down(): Promise<void> {
      await compose(
        ['down', '--volumes', '--remove-orphans', '--timeout', '30'],
        180_000,
        `Remove what is left by hand: 'docker compose down -v' in ${cwd}.`,
      );
    },
    async restart(service: string): Promise<void> {
      await compose(['restart', service], 120_000, logsHint);
    },
    async containers(): Promise<ComposeContainer[]> {
      const out = await compose(['ps', '--all', '--format', 'json'], 30_000, logsHint);
      return out
        .split('\n')
        .filter((line) => line.trim() !== '')
        .flatMap((line) => JSON.parse(line) as ComposeContainer | ComposeContainer[]);
    },
    async inspect(...ids: string[]): Promise<InspectedContainer[]> {
      return JSON.parse(await docker(['inspect', ...ids], cwd, 30_000, logsHint));
    },
    /** Runs a command in a service's container (its first replica) and returns its output. */
    async exec(service: string, command: string[]): Promise<string> {
      return compose(['exec', '--no-TTY', service, ...command], 60_000, logsHint);
    },
    /** The image's size in bytes, as `docker image ls` shows it. */
    async imageSize(image: string): Promise<number> {
      return Number(
        await docker(['image', 'inspect', '--format', '{{.Size}}', image], cwd, 30_000, logsHint),
      );
    },
    /**
     * Waits until the container is running and healthy again, after a restart or a crash. `replacingPid`: the
     * process that was killed, which the engine may still report as running and healthy for a moment.
     */
    async waitHealthy(
      containerId: string,
      timeoutMs: number,
      replacingPid?: number,
    ): Promise<InspectedContainer> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const [container] = await stack.inspect(containerId);
        if (
          container &&
          container.State.Status === 'running' &&
          container.State.Health?.Status === 'healthy' &&
          container.State.Pid !== replacingPid
        ) {
          return container;
        }
        if (Date.now() > deadline) {
          throw new Error(
            `Container ${containerId} is not healthy after ${timeoutMs / 1000} s (state ${container?.State.Status}, ` +
              `health ${container?.State.Health?.Status}). ${logsHint}`,
          );
        }
        await new Promise((wake) => setTimeout(wake, 500));
      }
    },
  };
  return stack;
}

export type ComposeStack = ReturnType<typeof composeStack>;
