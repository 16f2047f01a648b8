export interface PartitionQueues {
  /** Queues `task` behind the earlier tasks of its partition; waits while `limit` tasks are queued in all. */
  push(partition: number, task: () => Promise<void>): Promise<void>;
  /** Resolves with the first task failure; a partition whose task failed runs none of its later tasks. */
  readonly failed: Promise<unknown>;
  /** Waits until every queued task has run or been skipped. */
  settled(): Promise<void>;
}

/**
 * Runs tasks one after another within a partition (Kafka's order) and partitions side by side, so one slow or
 * waiting partition does not hold up the others, with at most `limit` tasks queued in all (bounded memory).
 */
export function createPartitionQueues(limit: number): PartitionQueues {
  const tails = new Map<number, Promise<void>>();
  const slotWaiters: Array<() => void> = [];
  let queued = 0;
  let reportFailure: (error: unknown) => void = () => {};
  const failed = new Promise<unknown>((resolve) => {
    reportFailure = resolve;
  });
  return {
    async push(partition, task) {
      while (queued >= limit) await new Promise<void>((resolve) => slotWaiters.push(resolve));
      queued += 1;
      const tail = (tails.get(partition) ?? Promise.resolve()).then(task).finally(() => {
        queued -= 1;
        slotWaiters.shift()?.();
      });
      tail.catch(reportFailure);
      tails.set(partition, tail);
    },
    failed,
    async settled() {
      await Promise.allSettled(tails.values());
    },
  };
}
