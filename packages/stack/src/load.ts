import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadCompose } from './compose.ts';
import { defaultHttpPort, planStack, type StackPlan } from './plan.ts';
import { resolveStage, type StageRef } from './stage.ts';

export interface StackOptions {
  /** The API's published port; defaults to STACK_HTTP_PORT, else the port the running stack was started with, else 8080. */
  httpPort?: number;
  /** Progress lines; defaults to stdout. */
  output?: (line: string) => void;
}

export type StageInput = string | number | StageRef;

export function httpPortFromEnvironment(): number | undefined {
  const value = process.env.STACK_HTTP_PORT;
  if (value === undefined || value === '') return undefined;
  const port = Number(value);
  if (!Number.isInteger(port) || port <= 0 || port >= 65_536) {
    throw new Error(`STACK_HTTP_PORT="${value}" is not a port: set it to a number such as 8080.`);
  }
  return port;
}

export function loadPlan(stage: StageInput, options: StackOptions = {}): StackPlan {
  const ref = typeof stage === 'object' ? stage : resolveStage(stage);
  const httpPort =
    options.httpPort ?? httpPortFromEnvironment() ?? readSettings(ref.stateDir).httpPort ?? defaultHttpPort;
  return planStack(loadCompose(ref.composeFile), ref, { httpPort });
}

/** What `up` chose, so that `ps`, `logs` and `down` of a running stack agree with it without repeating STACK_HTTP_PORT. */
interface RunSettings {
  httpPort?: number;
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
