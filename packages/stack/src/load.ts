import { loadCompose } from './compose.ts';
import { defaultHttpPort, planStack, type StackPlan } from './plan.ts';
import { resolveStage, type StageRef } from './stage.ts';

export interface StackOptions {
  /** The API's published port; defaults to STACK_HTTP_PORT, else 8080. */
  httpPort?: number;
  /** Progress lines; defaults to stdout. */
  output?: (line: string) => void;
}

export type StageInput = string | number | StageRef;

export function httpPortFromEnvironment(): number {
  const value = process.env.STACK_HTTP_PORT;
  if (value === undefined || value === '') return defaultHttpPort;
  const port = Number(value);
  if (!Number.isInteger(port) || port <= 0 || port >= 65_536) {
    throw new Error(`STACK_HTTP_PORT="${value}" is not a port: set it to a number such as 8080.`);
  }
  return port;
}

export function loadPlan(stage: StageInput, options: StackOptions = {}): StackPlan {
  const ref = typeof stage === 'object' ? stage : resolveStage(stage);
  return planStack(loadCompose(ref.composeFile), ref, {
    httpPort: options.httpPort ?? httpPortFromEnvironment(),
  });
}

export function outputOf(options: StackOptions): (line: string) => void {
  return options.output ?? ((line) => console.log(line));
}
