export type { TableProgress } from './copy.ts';
export { type ZipfSampler, zipf } from './distributions.ts';
export {
  email,
  makePlan,
  perScale,
  type SeedPlan,
  seedEmailDomain,
  seedPassword,
  sentence,
  username,
} from './plan.ts';
export { mulberry32, type Random, stream } from './prng.ts';
export { progressBar } from './progress.ts';
export { defaultSeed, SeedDataPresentError, type SeedOptions, type SeedSummary, seed } from './seed.ts';
