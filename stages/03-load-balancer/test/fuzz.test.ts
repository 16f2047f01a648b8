import { fileURLToPath } from 'node:url';
import { expectFuzzingFindsNothing, registerUser, requireSchemathesis } from '@scaling/testing';
import { describe, it } from 'vitest';
import { useStage3 } from './support/booted-stage.ts';

// The logins it sends must reach the handler, not a throttle another file used up.
const stage = useStage3({ prepare: requireSchemathesis, freshSignInLimits: true });

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
