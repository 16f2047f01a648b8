import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { captureOutput, stopChild, waitUntilReady } from './child-process.ts';
import { freePort } from './free-port.ts';

/** Built by scripts/bootstrap.sh into .tools/toxiproxy (go install github.com/Shopify/toxiproxy/v2/cmd/server@v2.12.0). */
export const toxiproxyBinary = [
  process.env.TOXIPROXY_SERVER_BIN,
  new URL('../../../../.tools/toxiproxy/server', import.meta.url).pathname,
  new URL('../../../../.tools/bin/toxiproxy-server', import.meta.url).pathname,
  '/tmp/gobin/server',
].find((candidate) => candidate !== undefined && existsSync(candidate));

export interface ChildToxiproxy {
  apiUrl: string;
  /** Creates a proxy listening on a free port of 127.0.0.1 and forwarding to `upstream`; returns that port. */
  addProxy(name: string, upstream: string): Promise<number>;
  stop(): Promise<void>;
}

/** toxiproxy-server on `port` (a free one unless given), its API on 127.0.0.1. */
export async function startChildToxiproxy(port?: number): Promise<ChildToxiproxy> {
  if (toxiproxyBinary === undefined)
    throw new Error(
      'toxiproxy-server is not built (no .tools/bin/toxiproxy-server): run scripts/bootstrap.sh.',
    );
  const apiPort = port ?? (await freePort());
  const child = spawn(toxiproxyBinary, ['-host', '127.0.0.1', '-port', String(apiPort)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = captureOutput(child);
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const answers = () =>
    fetch(`${apiUrl}/version`, { signal: AbortSignal.timeout(1_000) }).then(
      (response) => response.ok,
      () => false,
    );
  await waitUntilReady('toxiproxy-server', child, output, answers, 15_000);
  return {
    apiUrl,
    async addProxy(name, upstream) {
      const listenPort = await freePort();
      const response = await fetch(`${apiUrl}/proxies`, {
        method: 'POST',
        body: JSON.stringify({ name, listen: `127.0.0.1:${listenPort}`, upstream, enabled: true }),
        signal: AbortSignal.timeout(5_000),
      });
      if (response.status !== 201) throw new Error(`Creating the proxy: ${await response.text()}`);
      return listenPort;
    },
    stop: () => stopChild(child),
  };
}
