import type { JobHandlers } from '../types.ts';
import { notifyFollowers } from './notify-followers.ts';
import { recomputePopularTags } from './recompute-popular-tags.ts';
import { weeklyDigest } from './weekly-digest.ts';

export const jobHandlers: JobHandlers = {
  'notify-followers': notifyFollowers,
  'recompute-popular-tags': recomputePopularTags,
  'weekly-digest': weeklyDigest,
};
