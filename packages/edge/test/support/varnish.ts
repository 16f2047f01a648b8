import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { captureOutput, stopChild, waitUntilReady } from './child-process.ts';
import { freePort } from './free-port.ts';

export const varnishdBinary = process.env.VARNISHD_BIN ?? '/usr/sbin/varnishd';
export const stageVcl = new URL(
  '../../../../stages/04-cache-replicas-cdn/config/varnish/default.vcl',
  import.meta.url,
).pathname;

export interface ChildVarnish {
  /** The edge, as clients reach it. */
  url: string;
  /** A second listener that takes the client's address from a PROXY protocol header, as behind a load balancer. */
  proxyProtocolPort: number;
  stop(): Promise<void>;
}

/**
 * The stage's VCL in a varnishd child of this test, its backend pointed at `origin` instead of toxiproxy:8666 (what
 * the native runner rewrites too).
 */
export async function startChildVarnish(
  origin: { host: string; port: number },
  environment: Record<string, string> = {},
): Promise<ChildVarnish> {
  if (!existsSync(varnishdBinary))
    throw new Error(`varnishd is not installed (no ${varnishdBinary}): run scripts/bootstrap.sh.`);
  const root = mkdtempSync(join(tmpdir(), 'edge-varnish-'));
  // varnishd's worker runs as an unprivileged account that must reach its working folder.
  chmodSync(root, 0o755);
  const vcl = readFileSync(stageVcl, 'utf8')
    .replace('.host = "toxiproxy";', `.host = "${origin.host}";`)
    .replace('.port = "8666";', `.port = "${origin.port}";`);
  writeFileSync(join(root, 'default.vcl'), vcl);
  const [port, proxyProtocolPort] = [await freePort(), await freePort()];
  const child = spawn(
    varnishdBinary,
    [
      '-F',
      ...['-n', join(root, 'work')],
      ...['-a', `127.0.0.1:${port}`],
      ...['-a', `127.0.0.1:${proxyProtocolPort},PROXY`],
      ...['-f', join(root, 'default.vcl')],
      ...['-s', 'malloc,32m'],
      ...['-T', 'none'],
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...environment } },
  );
  const output = captureOutput(child);
  const url = `http://127.0.0.1:${port}`;
  // A method the API lacks is answered by the VCL itself: the listener is up and this VCL is loaded.
  const answersFromVcl = () =>
    fetch(url, { method: 'PROPFIND', signal: AbortSignal.timeout(1_000) }).then(
      (response) => response.status === 405,
      () => false,
    );
  try {
    await waitUntilReady('varnishd', child, output, answersFromVcl, 20_000);
  } catch (error) {
    rmSync(root, { recursive: true, force: true });
    throw error;
  }
  return {
    url,
    proxyProtocolPort,
    async stop() {
      await stopChild(child);
      rmSync(root, { recursive: true, force: true });
    },
  };
}
