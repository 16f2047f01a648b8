import { type ChildProcess, execFile, spawn } from 'node:child_process';

/**
 * Runs a Node script as a stage's one-shot service runs it: its own process with only PATH and the variables given,
 * so nothing of the test's environment leaks in. Resolves with its exit code (1 when killed at `timeoutMs`) and stderr.
 */
export function runCli(
  script: string,
  environment: Record<string, string>,
  options: { timeoutMs?: number } = {},
): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [script],
      { env: { PATH: process.env.PATH ?? '', ...environment }, timeout: options.timeoutMs ?? 30_000 },
      (error, _stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stderr }),
    );
  });
}

export interface StartedScript {
  child: ChildProcess;
  /** Everything it has written to stdout and stderr so far, in the order it came. */
  output(): string;
}

/**
 * Starts a Node script as a long-running service is started, with only PATH and the variables given; the test ends
 * it (a signal, or its own exit) and reads what it wrote.
 */
export function startScript(
  script: string,
  environment: Record<string, string>,
  options: { cwd?: string } = {},
): StartedScript {
  const child = spawn(process.execPath, [script], {
    ...(options.cwd ? { cwd: options.cwd } : {}),
    env: { PATH: process.env.PATH ?? '', ...environment },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk;
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  return { child, output: () => output };
}
