import { existsSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { loadPlan, repoRoot, stackStatus } from '@scaling/stack';
import type { RunSettings } from './experiment.ts';

/** Ctrl-C finishes the current step and stops the stage; a second Ctrl-C exits at once. */
export function interruptOnSigint(command: string, stages: number[]): AbortSignal {
  const controller = new AbortController();
  process.on('SIGINT', () => {
    if (controller.signal.aborted) {
      const downs = stages.map((stage) => `"pnpm stack down ${stage}"`).join(' and ');
      console.error(`\n[${command}] Interrupted twice: exiting without stopping the stages. Run ${downs}.`);
      process.exit(130);
    }
    console.error(
      `\n[${command}] Interrupted: finishing the current step, then stopping the stage (Ctrl-C again to force).`,
    );
    controller.abort();
  });
  return controller.signal;
}

/**
 * The bench boots and stops stages itself, and every stage publishes the same ports: a stage someone else started
 * would be measured and then stopped under their feet, or hold the ports halfway through, so refuse instead.
 */
export async function assertStagesStopped(): Promise<void> {
  const stagesDir = join(repoRoot, 'stages');
  const stages = readdirSync(stagesDir).filter(
    (name) => /^\d{2}-/.test(name) && existsSync(join(stagesDir, name, 'docker-compose.yml')),
  );
  for (const stage of stages) {
    // A stage whose compose file does not load yet cannot be running.
    const rows = await stackStatus(stage).catch(() => []);
    const running = rows.filter((row) => row.pid !== null || row.state === 'restarting');
    if (running.length > 0) {
      throw new Error(
        `Stage ${stage} is running (${running.map((row) => row.instance).join(', ')}) and holds the ports the ` +
          `stages share. The bench starts and stops the stages itself: stop it first with "pnpm stack down ${stage}".`,
      );
    }
  }
}

/**
 * A stage started from another checkout of the repository (or anything else on these ports) is invisible to
 * `assertStagesStopped`, yet the bench would measure it and fail to start its own: check the ports themselves.
 */
export async function assertPortsFree(stages: number[]): Promise<void> {
  const ports = new Set(
    stages.flatMap((stage) =>
      loadPlan(stage).services.flatMap((service) =>
        service.instances.flatMap((instance) => instance.ports.map((port) => port.host)),
      ),
    ),
  );
  const taken: number[] = [];
  for (const port of [...ports].sort((a, b) => a - b)) if (!(await portIsFree(port))) taken.push(port);
  if (taken.length > 0) {
    throw new Error(
      `Port${taken.length > 1 ? 's' : ''} ${taken.join(', ')} on 127.0.0.1 ${taken.length > 1 ? 'are' : 'is'} in use, ` +
        'perhaps by a stage started from another checkout. Stop whatever holds them, then run the command again.',
    );
  }
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

export function parsePositive(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!(number > 0)) throw new Error(`--${name} must be a positive number; got "${value}".`);
  return number;
}

export function prefixed(command: string): (line: string) => void {
  return (line) =>
    console.log(line.startsWith('\n') ? `\n[${command}] ${line.slice(1)}` : `[${command}] ${line}`);
}

/** The options `pnpm bench` and `pnpm drill` share, for `parseArgs`. */
export const runOptions = {
  quick: { type: 'boolean', default: false },
  scale: { type: 'string' },
  publish: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

/** Prints the usage and exits: successfully when it was asked for, with 2 when the arguments were wrong. */
export function exitWithUsageUnless(argumentsFit: boolean, help: boolean, usage: string): void {
  if (help || !argumentsFit) {
    console.log(usage);
    process.exit(help ? 0 : 2);
  }
}

/** Refuses to go on while a stage runs or anything holds the ports of `stages` (see the two checks). */
export async function assertStagesFree(stages: number[]): Promise<void> {
  await assertStagesStopped();
  await assertPortsFree(stages);
}

/** Once the stages are free: the settings of a run from the shared options, with Ctrl-C stopping it cleanly. */
export async function claimStages(
  command: string,
  stages: number[],
  options: { quick: boolean; scale?: string | undefined; publish: boolean },
): Promise<RunSettings> {
  await assertStagesFree(stages);
  return {
    quick: options.quick,
    scale: parsePositive('scale', options.scale),
    publish: options.publish,
    output: prefixed(command),
    signal: interruptOnSigint(command, stages),
  };
}

/** Says why the command failed and makes it exit with `exitCode`. */
export function reportFailure(command: string, error: unknown, exitCode = 1): void {
  console.error(`\n[${command}] Failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = exitCode;
}
