import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadPlan, type StackOptions, type StageInput } from './load.ts';
import { logFile } from './state.ts';

export interface LogsOptions extends StackOptions {
  service?: string;
  follow?: boolean;
  /** Stops following (the CLI follows until Ctrl-C). */
  signal?: AbortSignal;
}

/** Prints the log of one service (or of all, each line prefixed by its process), then optionally follows them. */
export async function stackLogs(stage: StageInput, options: LogsOptions = {}): Promise<void> {
  const plan = loadPlan(stage, options);
  const services = options.service
    ? plan.services.filter((service) => service.name === options.service)
    : plan.services;
  if (services.length === 0) {
    const names = plan.services.map((service) => service.name).join(', ');
    throw new Error(`Stage ${plan.stage.name} has no service "${options.service}": choose one of ${names}.`);
  }
  const instances = services.flatMap((service) => service.instances.map((instance) => instance.name));
  const write = (text: string) => process.stdout.write(text);
  const offsets = new Map(instances.map((instance) => [instance, 0]));
  const prefix = instances.length > 1;
  do {
    for (const instance of instances) {
      const file = logFile(plan.stage.stateDir, instance);
      if (!existsSync(file)) continue;
      const from = offsets.get(instance) ?? 0;
      const size = statSync(file).size;
      if (size <= from) continue;
      const chunk = readRange(file, from, size);
      offsets.set(instance, size);
      write(prefix ? chunk.replace(/^(?=.)/gm, `${instance} | `) : chunk);
    }
    if (options.follow) await sleep(250);
  } while (options.follow && !options.signal?.aborted);
}

function readRange(file: string, from: number, to: number): string {
  const buffer = Buffer.alloc(to - from);
  const descriptor = openSync(file, 'r');
  try {
    readSync(descriptor, buffer, 0, buffer.length, from);
  } finally {
    closeSync(descriptor);
  }
  return buffer.toString('utf8');
}
