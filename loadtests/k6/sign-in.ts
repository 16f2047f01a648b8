import { signIn } from '../scenarios/sign-in.ts';
import { discoverFixtures, type Fixtures, iteration, optionsFor } from './conduit.ts';

/**
 * Logins only, closed model: each checks a scrypt password hash, CPU work in the app. In stage 3, compare one app
 * replica with two (`pnpm stack up 3 --scale app=1` and `--scale app=2 --cpusets app=0,1`):
 *   k6 run loadtests/k6/sign-in.ts [-e VUS=32 -e DURATION=30]
 */
export const options = optionsFor(signIn);

export function setup(): Fixtures {
  return discoverFixtures();
}

export default iteration(signIn);
