/** Compose's `restart`: natively every stop the runner asks for is a manual stop, so `always` acts like `unless-stopped`. */
export type RestartCondition = 'no' | 'on-failure' | 'always' | 'unless-stopped';

export interface RestartPolicy {
  condition: RestartCondition;
  /** `on-failure:N`: give up after N restarts in a row that each ran less than `stableRunMs`. */
  maxRetries: number | null;
}

/** A run at least this long resets the backoff and the retry count, as Docker does. */
export const stableRunMs = 10_000;
const firstDelayMs = 100;
const maxDelayMs = 10_000;

export function parseRestartPolicy(serviceName: string, value: string | boolean | undefined): RestartPolicy {
  // YAML 1.1 readers turn an unquoted `no` into false.
  if (value === undefined || value === false) return { condition: 'no', maxRetries: null };
  const match = /^(no|always|unless-stopped|on-failure)(?::(\d+))?$/.exec(String(value).trim());
  if (!match || (match[2] !== undefined && match[1] !== 'on-failure')) {
    throw new Error(
      `Service "${serviceName}" has restart: "${String(value)}": use "no", "always", "unless-stopped" or "on-failure[:max-retries]".`,
    );
  }
  return {
    condition: match[1] as RestartCondition,
    maxRetries: match[2] === undefined ? null : Number(match[2]),
  };
}

/** Whether a process that exited on its own is started again; `failuresInARow` counts this exit. */
export function shouldRestart(policy: RestartPolicy, exitCode: number, failuresInARow: number): boolean {
  switch (policy.condition) {
    case 'no':
      return false;
    case 'always':
    case 'unless-stopped':
      return true;
    case 'on-failure':
      return exitCode !== 0 && (policy.maxRetries === null || failuresInARow <= policy.maxRetries);
  }
}

/** Docker's backoff: 100 ms, doubled for each quick exit in a row, here capped at 10 s. */
export function restartDelayMs(failuresInARow: number): number {
  return Math.min(firstDelayMs * 2 ** Math.max(0, failuresInARow - 1), maxDelayMs);
}
