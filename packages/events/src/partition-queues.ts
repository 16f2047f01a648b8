export interface PartitionQueues {
  /** Queues `task` behind the earlier tasks of its partition. */
  push(partition: number, task: () => Promise<void>): void;
  /** Tasks queued or running, over all partitions. */
  readonly size: number;
  /** Called after each task has run (or been skipped). */
  onTaskDone(listener: () => void): void;
  /** Resolves with the first task failure; a partition whose task failed runs none of its later tasks. */
  readonly failed: Promise<unknown>;
  /** Waits until every queued task has run or been skipped. */
  settled(): Promise<void>;
}

/**
 * Runs tasks one after another within a partition (Kafka's order) and partitions side by side, so one slow or
 * waiting partition does not hold up the others.
 */
export function createPartitionQueues(): PartitionQueues {
  const tails = new Map<number, Promise<void>>();
  let size = 0;
  let taskDone = () => {};
  let reportFailure: (error: unknown) => void = () => {};
  const failed = new Promise<unknown>((resolve) => {
    reportFailure = resolve;
  });
  return {
    push(partition, task) {
      size += 1;
      const tail = (tails.get(partition) ?? Promise.resolve()).then(task).finally(() => {
        size -= 1;
        taskDone();
      });
      tail.catch(reportFailure);
      tails.set(partition, tail);
    },
    get size() {
      return size;
    },
    onTaskDone(listener) {
      taskDone = listener;
    },
    failed,
    async settled() {
      await Promise.allSettled(tails.values());
    },
  };
}
