import { readHeavy } from '../scenarios/read-heavy.ts';
import { discoverFixtures, type Fixtures, iteration, optionsFor } from './conduit.ts';

/**
 * The RealWorld browsing mix, closed model (VUS virtual users, each sending as soon as it has its answer):
 *   k6 run loadtests/k6/read-heavy.ts -e BASE_URL=http://127.0.0.1:8080 [-e VUS=32 -e DURATION=30]
 */
export const options = optionsFor(readHeavy);

export function setup(): Fixtures {
  return discoverFixtures();
}

export default iteration(readHeavy);
