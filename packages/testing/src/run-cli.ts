import { execFile } from 'node:child_process';

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
