import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { registerUser, useNativeStage } from '@scaling/testing';
import { describe, expect, it } from 'vitest';

const schemathesis = fileURLToPath(new URL('../../../.tools/schemathesis/bin/schemathesis', import.meta.url));
const configFile = fileURLToPath(new URL('./fuzz/schemathesis.toml', import.meta.url));

/**
 * Cases per operation and phase: about 1,500 requests in all, a minute through nginx on two cores. The seed is
 * fixed so that a failure reproduces; FUZZ_SEED explores others.
 */
const maxExamples = 20;
const seed = process.env.FUZZ_SEED ?? '1';

// Redis keeps the login counts of a run, which the next file must not inherit: its volumes go with it.
const stage = useNativeStage(3, {
  volumes: true,
  prepare: () => {
    if (!existsSync(schemathesis))
      throw new Error(
        `schemathesis is not installed at ${schemathesis}: run make bootstrap, then the tests again.`,
      );
  },
});

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

describe('Stage 3 booted natively, fuzzed through nginx from its OpenAPI document', () => {
  it('When schemathesis runs every check on valid and invalid data and on linked operations, then no answer is a server error or breaks the document', async () => {
    const token = await registerUser(stage.apiUrl());

    const { code, output } = await run(schemathesis, [
      '--config-file',
      configFile,
      'run',
      `${stage.apiUrl()}/openapi.json`,
      '--checks=all',
      '--mode=all',
      '--phases=examples,coverage,fuzzing,stateful',
      `--max-examples=${maxExamples}`,
      `--seed=${seed}`,
      '--request-timeout=10',
      '--header',
      `Authorization: Token ${token}`,
      // Logging out would end the session every other case runs with.
      '--exclude-path=/api/users/logout',
    ]);
    // The summary counts each kind of failure ("❌ ST101 Server error: 2", "❌ ST108 Response violates schema: 1").
    const summary = output.slice(output.lastIndexOf('SUMMARY'));
    const failures = Object.fromEntries(
      [...summary.matchAll(/❌ (ST\d+ [^:\n]+): (\d+)/g)].map(([, kind, count]) => [kind, Number(count)]),
    );
    expect(failures, output).toEqual({});
    // Warnings pass (nginx answering most logins with 429 is one); failures and errors do not.
    expect({ code, verdict: summary.match(/=+ (.+) in [\d.]+s =+/)?.[1] }, output).toEqual({
      code: 0,
      verdict: expect.stringMatching(/^(No issues found|\d+ warnings?)$/),
    });
  }, 300_000);
});
