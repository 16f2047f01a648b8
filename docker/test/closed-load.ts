/** One request of a closed-model load and what answered it. */
export interface LoadOutcome {
  path: string;
  /** When it was sent, in ms since the load began. */
  sentAtMs: number;
  latencyMs: number;
  /** The HTTP status, or undefined when no answer came. */
  status: number | undefined;
  /** Why no answer came (a refused connection, a timeout). */
  error: string | undefined;
  /** The replica that answered (X-Served-By). */
  servedBy: string | undefined;
}

/** A GET the load sends, with its headers (a token). */
export interface LoadRequest {
  path: string;
  headers: Record<string, string>;
}

export interface ClosedLoad {
  /** Every answered or failed request so far, in completion order. */
  outcomes: LoadOutcome[];
  /** How many clients send at once; each sends its next request as soon as its previous answer arrives. */
  setClients(count: number): void;
  /** Stops every client and returns once the requests in flight have finished. */
  stop(): Promise<LoadOutcome[]>;
}

/**
 * A closed-model load through one origin: a fixed number of clients, each waiting for its answer before it sends
 * again, so the load follows the capacity it meets (more replicas, more requests) and never queues past a timeout
 * on its own, unlike an open model whose arrival rate a saturated stage could not keep up with.
 */
export function startClosedLoad(options: {
  origin: string;
  requests: LoadRequest[];
  clients: number;
  timeoutMs: number;
}): ClosedLoad {
  if (options.requests.length === 0) throw new Error('A load needs at least one request to send.');
  const startedAt = performance.now();
  const elapsedMs = () => performance.now() - startedAt;
  const outcomes: LoadOutcome[] = [];
  const workers = new Map<number, Promise<void>>();
  let clients = 0;
  let stopped = false;
  let sent = 0;

  const send = async () => {
    const request = options.requests[sent++ % options.requests.length] as LoadRequest;
    const sentAtMs = elapsedMs();
    const outcome = {
      path: request.path,
      sentAtMs,
      status: undefined,
      error: undefined,
      servedBy: undefined,
    };
    try {
      const response = await fetch(new URL(request.path, options.origin), {
        headers: request.headers,
        signal: AbortSignal.timeout(options.timeoutMs),
      });
      await response.arrayBuffer();
      outcomes.push({
        ...outcome,
        latencyMs: elapsedMs() - sentAtMs,
        status: response.status,
        servedBy: response.headers.get('x-served-by') ?? undefined,
      });
    } catch (error) {
      const cause = (error as Error & { cause?: { code?: string } }).cause;
      outcomes.push({
        ...outcome,
        latencyMs: elapsedMs() - sentAtMs,
        error: cause?.code ?? (error as Error).message,
      });
    }
  };

  // A client whose index is at or above the current count finishes its request in flight, then leaves.
  const client = async (index: number) => {
    while (!stopped && index < clients) await send();
    workers.delete(index);
  };

  const load: ClosedLoad = {
    outcomes,
    setClients(count) {
      clients = count;
      for (let index = 0; index < count; index += 1) {
        if (!workers.has(index)) workers.set(index, client(index));
      }
    },
    async stop() {
      stopped = true;
      await Promise.all(workers.values());
      return outcomes;
    },
  };
  load.setClients(options.clients);
  return load;
}
