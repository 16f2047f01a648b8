import { fileURLToPath } from 'node:url';
import {
  expectFuzzingFindsNothing,
  registerUser,
  requireSchemathesis,
  useNativeStage,
} from '@scaling/testing';
import { describe, it } from 'vitest';

// Redis keeps the login counts of a run, which the next file must not inherit: its volumes go with it.
const stage = useNativeStage(3, { volumes: true, prepare: requireSchemathesis });

describe('Stage 3 booted natively, fuzzed through nginx from its OpenAPI document', () => {
  it('When schemathesis runs every check on valid and invalid data and on linked operations, then no answer is a server error or breaks the document', async () => {
    await expectFuzzingFindsNothing(stage.apiUrl(), {
      configFile: fileURLToPath(new URL('./fuzz/schemathesis.toml', import.meta.url)),
      token: await registerUser(stage.apiUrl()),
      // About 1,500 requests in all, a minute through nginx on two cores; FUZZ_SEED explores other seeds.
      maxExamples: 20,
      seed: process.env.FUZZ_SEED ?? '1',
    });
  }, 300_000);
});
