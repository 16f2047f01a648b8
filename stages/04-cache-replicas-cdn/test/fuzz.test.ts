import { fileURLToPath } from 'node:url';
import { stackStartService } from '@scaling/stack';
import { expectFuzzingFindsNothing, registerUser, requireSchemathesis } from '@scaling/testing';
import { afterAll, describe, it } from 'vitest';
import { useStage4 } from './support/booted-stage.ts';

const shippedEdgeLatency = process.env.EDGE_LATENCY_MS;

/**
 * Fuzzing looks for server errors and answers that break the document, not for latency: the edge's distance from the
 * origin is set to none, as EDGE_LATENCY_MS=0 in .env does (the variable is read when the compose file is loaded),
 * so that about 750 requests do not each wait 80 ms. Each test file runs in its own process: no other file sees it.
 * The boot (or the reuse of a running one) runs the edge-latency one-shot again, which sets what it reads.
 */
function prepare(): void {
  requireSchemathesis();
  process.env.EDGE_LATENCY_MS = '0';
}

// The logins it sends must reach the handler, not a throttle another file used up.
const stage = useStage4({ prepare, freshSignInLimits: true });

// The boot is shared: the files after this one expect the edge's distance from the origin back.
afterAll(async () => {
  if (shippedEdgeLatency === undefined) delete process.env.EDGE_LATENCY_MS;
  else process.env.EDGE_LATENCY_MS = shippedEdgeLatency;
  await stackStartService(4, 'edge-latency', { output: () => {} });
}, 60_000);

describe('Stage 4 booted natively, fuzzed through the edge from its OpenAPI document', () => {
  it('When schemathesis runs every check on valid and invalid data and on linked operations, signed in (past the edge, through the cache and the replicas), then no answer is a server error or breaks the document', async () => {
    await expectFuzzingFindsNothing(stage.apiUrl(), {
      configFile: fileURLToPath(new URL('./fuzz/schemathesis.toml', import.meta.url)),
      token: await registerUser(stage.apiUrl()),
      // Half of stage 3's cases (about 750 requests), since stage 3 fuzzes the same routes without the edge, the cache
      // and the replicas with 20; FUZZ_EXAMPLES and FUZZ_SEED explore further.
      maxExamples: Number(process.env.FUZZ_EXAMPLES ?? 10),
      seed: process.env.FUZZ_SEED ?? '1',
    });
  }, 300_000);
});
