export { articlePublished } from './article-published.ts';
export { exponentialBackoff } from './backoff.ts';
export {
  digestPeriod,
  digestUsersPerBatch,
  parseDay,
  type WeeklyDigestOptions,
  weeklyDigestDefaults,
  weeklyDigestPayload,
  weekStart,
} from './digest/digest-week.ts';
export { type DigestArticle, type DigestInput, renderDigest } from './digest/render-digest.ts';
export { type RenderedDigest, storeDigests } from './digest/store-digests.ts';
export { defaultMaxAttempts, type EnqueueOptions, enqueue } from './enqueue.ts';
export { jobHandlers } from './handlers/index.ts';
export { notifyFollowers } from './handlers/notify-followers.ts';
export { recomputePopularTags } from './handlers/recompute-popular-tags.ts';
export { weeklyDigest } from './handlers/weekly-digest.ts';
export { type JobsPluginOptions, jobsPlugin } from './plugin.ts';
export { observeJobQueue, type QueueMetricsOptions } from './queue-metrics.ts';
export type {
  AnyJobHandlers,
  ClaimedJob,
  JobContext,
  JobHandler,
  JobHandlers,
  JobKind,
  JobLogger,
  JobPayloads,
  PayloadMap,
  WeeklyDigestPayload,
} from './types.ts';
export { createWorker, type Worker, type WorkerOptions } from './worker.ts';
