import { readLatency } from '../scenarios/read-latency.ts';
import { discoverFixtures, type Fixtures, iteration, optionsFor } from './conduit.ts';

/**
 * The reads of the browsing mix at a fixed arrival rate (open model), for latency percentiles; in stage 2, run it
 * while `pnpm jobs enqueue weekly-digest` keeps the worker busy:
 *   k6 run loadtests/k6/read-latency.ts -e BASE_URL=http://127.0.0.1:8080 [-e RATE=100 -e DURATION=30 -e P95_MS=250]
 */
export const options = optionsFor(readLatency);

export function setup(): Fixtures {
  return discoverFixtures();
}

export default iteration(readLatency);
