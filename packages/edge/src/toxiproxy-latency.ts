export interface EdgeLatencyOptions {
  /** Toxiproxy's API (http://toxiproxy:8474). */
  apiUrl: string;
  /** The proxy between the edge and the origin. */
  proxy: string;
  /** Added to each direction, so a round trip gains twice this. */
  latencyMs: number;
  /** How long to keep retrying while toxiproxy starts. */
  timeoutMs: number;
  progress: (line: string) => void;
}

const directions = ['upstream', 'downstream'] as const;
const requestTimeoutMs = 2_000;
const retryDelayMs = 500;

const toxicName = (direction: (typeof directions)[number]) => `edge-latency-${direction}`;

async function call(url: string, init: RequestInit = {}): Promise<Response> {
  return fetch(url, {
    ...init,
    headers: { 'content-type': 'application/json' },
    signal: AbortSignal.timeout(requestTimeoutMs),
  });
}

async function expectStatus(response: Response, expected: number[], what: string): Promise<void> {
  if (!expected.includes(response.status))
    throw new Error(
      `${what}: toxiproxy answered ${response.status} ${(await response.text()).slice(0, 300)}`,
    );
}

/** Waits until toxiproxy answers and knows the proxy (it reads its config file at start). */
async function waitForProxy(options: EdgeLatencyOptions): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  for (let attempt = 1; ; attempt += 1) {
    const why = await call(`${options.apiUrl}/proxies/${options.proxy}`).then(
      (response) => (response.status === 200 ? undefined : `it answered ${response.status}`),
      (error: Error) => error.message,
    );
    if (why === undefined) return;
    if (Date.now() + retryDelayMs > deadline)
      throw new Error(
        `Toxiproxy at ${options.apiUrl} did not serve the proxy "${options.proxy}" within ${options.timeoutMs} ms (${why}): check that toxiproxy runs and that its config file defines that proxy.`,
      );
    options.progress(`Waiting for toxiproxy's proxy "${options.proxy}" (attempt ${attempt}: ${why})...`);
    await new Promise((wake) => setTimeout(wake, retryDelayMs));
  }
}

/**
 * Puts `latencyMs` on each direction of the proxy between the edge and the origin, replacing what an earlier run
 * added (toxiproxy keeps toxics until it restarts, so running twice must not add the delay twice). 0 removes it.
 */
export async function applyEdgeLatency(options: EdgeLatencyOptions): Promise<void> {
  await waitForProxy(options);
  const toxics = `${options.apiUrl}/proxies/${options.proxy}/toxics`;
  for (const direction of directions) {
    const name = toxicName(direction);
    const removed = await call(`${toxics}/${name}`, { method: 'DELETE' });
    await expectStatus(removed, [204, 404], `Removing the toxic ${name}`);
    if (options.latencyMs === 0) continue;
    const added = await call(toxics, {
      method: 'POST',
      body: JSON.stringify({
        name,
        type: 'latency',
        stream: direction,
        toxicity: 1,
        attributes: { latency: options.latencyMs, jitter: 0 },
      }),
    });
    await expectStatus(added, [200], `Adding the toxic ${name}`);
  }
  options.progress(
    options.latencyMs === 0
      ? `No latency on toxiproxy's proxy "${options.proxy}": its edge-latency toxics are removed.`
      : `Toxiproxy's proxy "${options.proxy}" now delays each direction by ${options.latencyMs} ms (toxics ${directions.map(toxicName).join(', ')}): a round trip to the origin costs ${2 * options.latencyMs} ms more.`,
  );
}
