import { readHeavyKeyed } from '../scenarios/read-heavy-keyed.ts';
import { discoverFixtures, type Fixtures, iteration, optionsFor } from './conduit.ts';

/**
 * Stage 3's steady load for failure drills: the browsing mix at a fixed arrival rate (open model), each POST with an
 * Idempotency-Key and sent again with it when it fails. Run it, then restart, kill or stop something behind nginx:
 *   k6 run loadtests/k6/read-heavy-keyed.ts [-e RATE=100 -e DURATION=60]
 *   pnpm stack restart 3 app    |    pnpm stack kill 3 app.2    |    pnpm stack stop 3 redis
 */
export const options = optionsFor(readHeavyKeyed);

export function setup(): Fixtures {
  return discoverFixtures();
}

export default iteration(readHeavyKeyed);
