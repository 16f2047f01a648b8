import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

/** Where `make bootstrap` installs schemathesis. */
export const schemathesisBinary = fileURLToPath(
  new URL('../../../.tools/schemathesis/bin/schemathesis', import.meta.url),
);

/** For useNativeStage's `prepare`: stops before the boot, saying what to install, when schemathesis is missing. */
export function requireSchemathesis(): void {
  if (!existsSync(schemathesisBinary))
    throw new Error(
      `schemathesis is not installed at ${schemathesisBinary}: run make bootstrap, then the tests again.`,
    );
}

/** A phase's verdict line ("✅  Coverage (in 16.17s)", "❌ ST101 Server error: 2"): the progress worth echoing. */
const verdictLine = /^\s*(✅|❌|⏭|⚠️|🚫)/u;

/**
 * Runs the command and returns its exit code and whole output, echoing only its verdict lines as they come: the
 * rest (tables, the pytest-style closing rule) goes into the failure message when the test fails.
 */
function run(command: string, args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: { ...process.env, NO_COLOR: '1' } });
    let output = '';
    let pending = '';
    const collect = (chunk: Buffer) => {
      output += chunk;
      const lines = (pending + chunk).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines)
        if (verdictLine.test(line)) process.stderr.write(`schemathesis: ${line.trim()}\n`);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, output }));
  });
}

export interface FuzzOptions {
  /** The stage's schemathesis.toml (the statuses that count as rejections). */
  configFile: string;
  /** A session token every case sends. */
  token: string;
  /** Cases per operation and phase. */
  maxExamples: number;
  /** Fixed, so that a failure reproduces. */
  seed: string;
}

/**
 * Fuzzes the API at `apiUrl` from its own OpenAPI document with every schemathesis check, valid and invalid data
 * and linked operations: no answer may be a server error or break the document. Warnings pass (a balancer
 * answering most logins with 429 is one); failures and errors do not.
 */
export async function expectFuzzingFindsNothing(apiUrl: string, options: FuzzOptions): Promise<void> {
  const { code, output } = await run(schemathesisBinary, [
    '--config-file',
    options.configFile,
    'run',
    `${apiUrl}/openapi.json`,
    '--checks=all',
    '--mode=all',
    '--phases=examples,coverage,fuzzing,stateful',
    `--max-examples=${options.maxExamples}`,
    `--seed=${options.seed}`,
    '--request-timeout=10',
    '--header',
    `Authorization: Token ${options.token}`,
    // Logging out would end the session every other case runs with.
    '--exclude-path=/api/users/logout',
  ]);
  // The summary counts each kind of failure ("❌ ST101 Server error: 2", "❌ ST108 Response violates schema: 1").
  const summary = output.slice(output.lastIndexOf('SUMMARY'));
  const failures = Object.fromEntries(
    [...summary.matchAll(/❌ (ST\d+ [^:\n]+): (\d+)/g)].map(([, kind, count]) => [kind, Number(count)]),
  );
  expect(failures, output).toEqual({});
  expect({ code, verdict: summary.match(/=+ (.+) in [\d.]+s =+/)?.[1] }, output).toEqual({
    code: 0,
    verdict: expect.stringMatching(/^(No issues found|\d+ warnings?)$/),
  });
}
