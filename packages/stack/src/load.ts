import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type ComposeFile, loadCompose } from './compose.ts';
import { mergeCompose } from './compose-merge.ts';
import { defaultHttpPort, planStack, type StackPlan } from './plan.ts';
import { resolveStage, type StageRef } from './stage.ts';

/** How a stage is run; `up` records it so that later commands (`ps`, `kill`, `down`) plan the same processes. */
export interface RunSettings {
  /** The API's published port (8080 moves here). */
  httpPort?: number;
  /** Replicas per service, over the compose file's `deploy.replicas`. */
  scale?: Record<string, number>;
  /** One cpuset per replica per service, over `x-native-cpusets`. */
  cpusets?: Record<string, string[]>;
  /** Applies the stage's `docker-compose.<variant>.yml` over its compose file, e.g. "sticky". */
  variant?: string;
}

export interface StackOptions extends RunSettings {
  /** Progress lines; defaults to stdout. */
  output?: (line: string) => void;
}

export type StageInput = string | number | StageRef;

export interface LoadedPlan extends StackPlan {
  settings: RunSettings;
}

export function httpPortFromEnvironment(): number | undefined {
  const value = process.env.STACK_HTTP_PORT;
  if (value === undefined || value === '') return undefined;
  const port = Number(value);
  if (!Number.isInteger(port) || port <= 0 || port >= 65_536) {
    throw new Error(`STACK_HTTP_PORT="${value}" is not a port: set it to a number such as 8080.`);
  }
  return port;
}

/** `app=2` (`--scale`, STACK_SCALE="app=2;worker=1"). */
export function parseScale(entries: string[]): Record<string, number> {
  return Object.fromEntries(
    entries.map((entry) => {
      const [service, count] = entry.split('=');
      if (!service || count === undefined || !/^\d+$/.test(count)) {
        throw new Error(`"${entry}" is not a scale: write <service>=<replicas>, e.g. app=2.`);
      }
      return [service, Number(count)];
    }),
  );
}

/** `app=0,1`: replica 1 on CPU 0, replica 2 on CPU 1 (`--cpusets`, STACK_CPUSETS="app=0,1;worker=1"). */
export function parseCpusets(entries: string[]): Record<string, string[]> {
  return Object.fromEntries(
    entries.map((entry) => {
      const [service, list] = entry.split('=');
      if (!service || !list || !/^[\d,-]+$/.test(list)) {
        throw new Error(`"${entry}" is not a cpuset list: write <service>=<cpuset>,<cpuset>, e.g. app=0,1.`);
      }
      return [service, list.split(',')];
    }),
  );
}

const listFromEnvironment = (name: string) =>
  process.env[name]
    ?.split(/[;\s]+/)
    .map((entry) => entry.trim())
    .filter(Boolean);

function settingsFromEnvironment(): RunSettings {
  const scale = listFromEnvironment('STACK_SCALE');
  const cpusets = listFromEnvironment('STACK_CPUSETS');
  const httpPort = httpPortFromEnvironment();
  const variant = process.env.STACK_VARIANT;
  return {
    ...(httpPort === undefined ? {} : { httpPort }),
    ...(scale?.length ? { scale: parseScale(scale) } : {}),
    ...(cpusets?.length ? { cpusets: parseCpusets(cpusets) } : {}),
    ...(variant ? { variant } : {}),
  };
}

/** The stage's compose file, with `docker-compose.<variant>.yml` applied over it when a variant is chosen. */
export function loadStageCompose(stage: StageRef, variant: string | undefined): ComposeFile {
  const compose = loadCompose(stage.composeFile);
  if (!variant) return compose;
  const file = join(dirname(stage.composeFile), `docker-compose.${variant}.yml`);
  if (!existsSync(file)) {
    throw new Error(`Stage ${stage.name} has no variant "${variant}": there is no ${file}.`);
  }
  return mergeCompose(compose, loadCompose(file));
}

/** Options first, then STACK_* variables, then what the running stack was started with, then the compose file. */
export function loadPlan(stage: StageInput, options: StackOptions = {}): LoadedPlan {
  const ref = typeof stage === 'object' ? stage : resolveStage(stage);
  const { output: _output, ...given } = options;
  const settings: RunSettings = {
    ...readSettings(ref.stateDir),
    ...settingsFromEnvironment(),
    ...definedOnly(given),
  };
  const httpPort = settings.httpPort ?? defaultHttpPort;
  const plan = planStack(loadStageCompose(ref, settings.variant), ref, {
    httpPort,
    ...(settings.scale ? { scale: settings.scale } : {}),
    ...(settings.cpusets ? { cpusets: settings.cpusets } : {}),
  });
  return { ...plan, settings: { ...settings, httpPort } };
}

function definedOnly(settings: RunSettings): RunSettings {
  return Object.fromEntries(Object.entries(settings).filter(([, value]) => value !== undefined));
}

const settingsFile = (stateDir: string) => join(stateDir, 'stack.json');

function readSettings(stateDir: string): RunSettings {
  if (!existsSync(settingsFile(stateDir))) return {};
  return JSON.parse(readFileSync(settingsFile(stateDir), 'utf8')) as RunSettings;
}

export function saveSettings(stateDir: string, settings: RunSettings): void {
  writeFileSync(settingsFile(stateDir), `${JSON.stringify(settings)}\n`);
}

export function clearSettings(stateDir: string): void {
  rmSync(settingsFile(stateDir), { force: true });
}

export function outputOf(options: StackOptions): (line: string) => void {
  return options.output ?? ((line) => console.log(line));
}
