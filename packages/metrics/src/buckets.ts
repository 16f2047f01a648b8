/**
 * Histogram bucket bounds in seconds. Each set spans what its operation takes when healthy up to where a timeout
 * cuts it off, so p95 and p99 stay readable in both: an HTTP request of a few ms up to the 10 s a client gives up
 * at, a pool checkout that is instant until the pool is exhausted (5 s connect timeout), a Redis command of
 * well under a millisecond up to its 500 ms command timeout.
 */
export const buckets = {
  httpRequest: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  poolAcquire: [0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 2.5, 5],
  redisCommand: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5],
} as const;
