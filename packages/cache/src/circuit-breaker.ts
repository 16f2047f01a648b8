export type BreakerState = 'closed' | 'open' | 'half-open';

export interface CircuitBreaker {
  /**
   * Whether a call may go to the store now. Closed: yes. Open: no, until the cooldown has passed; then exactly one
   * call is let through as a probe (half-open), and the others wait for its result.
   */
  allows(): boolean;
  succeeded(): void;
  failed(): void;
  state(): BreakerState;
}

export interface CircuitBreakerOptions {
  /** Consecutive failures (errors or timeouts) that open the breaker. */
  failureThreshold: number;
  /** How long it stays open before one probe may try the store again. */
  cooldownMs: number;
  onChange?: (state: BreakerState, consecutiveFailures: number) => void;
  now?: () => number;
}

export function createCircuitBreaker(options: CircuitBreakerOptions): CircuitBreaker {
  const now = options.now ?? performance.now.bind(performance);
  let state: BreakerState = 'closed';
  let failures = 0;
  let openedAt = 0;
  let probing = false;

  const moveTo = (next: BreakerState) => {
    if (next === state) return;
    state = next;
    options.onChange?.(next, failures);
  };

  return {
    allows() {
      if (state === 'closed') return true;
      if (state === 'open' && now() - openedAt >= options.cooldownMs) {
        moveTo('half-open');
        probing = false;
      }
      if (state !== 'half-open' || probing) return false;
      probing = true;
      return true;
    },
    succeeded() {
      // A late answer to a call sent before the breaker opened says nothing about the store now.
      if (state === 'open') return;
      failures = 0;
      probing = false;
      moveTo('closed');
    },
    failed() {
      failures += 1;
      probing = false;
      if (state === 'half-open' || (state === 'closed' && failures >= options.failureThreshold)) {
        openedAt = now();
        moveTo('open');
      }
    },
    state: () => state,
  };
}
