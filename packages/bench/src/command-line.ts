import { stackStatus } from '@scaling/stack';

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
 * would be measured and then stopped under their feet, so refuse instead.
 */
export async function assertStagesStopped(stages: number[]): Promise<void> {
  for (const stage of stages) {
    const running = (await stackStatus(stage)).filter(
      (row) => row.pid !== null || row.state === 'restarting',
    );
    if (running.length > 0) {
      throw new Error(
        `Stage ${stage} is already running (${running.map((row) => row.instance).join(', ')}). ` +
          `The bench starts and stops the stages itself: stop it first with "pnpm stack down ${stage}".`,
      );
    }
  }
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
