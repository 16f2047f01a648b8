export interface SingleFlight<T> {
  /**
   * Runs `work` unless a call for the same key is already running in this process, in which case it waits for that
   * one's result (or error) instead. `joined` says which happened.
   */
  run(key: string, work: () => Promise<T>): Promise<{ result: T; joined: boolean }>;
}

export function createSingleFlight<T>(): SingleFlight<T> {
  const running = new Map<string, Promise<T>>();
  return {
    async run(key, work) {
      const inFlight = running.get(key);
      if (inFlight) return { result: await inFlight, joined: true };
      const started = work().finally(() => running.delete(key));
      running.set(key, started);
      return { result: await started, joined: false };
    },
  };
}
