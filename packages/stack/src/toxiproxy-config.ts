import { rewriteAddresses } from './environment.ts';
import type { NativeConfigContext } from './native-config.ts';

interface ToxiproxyProxy {
  name: string;
  listen: string;
  upstream: string;
  enabled?: boolean;
}

function parseProxies(json: string, service: string): ToxiproxyProxy[] {
  const proxies: unknown = JSON.parse(json);
  const valid =
    Array.isArray(proxies) &&
    proxies.every(
      (proxy) =>
        typeof proxy?.name === 'string' &&
        typeof proxy?.listen === 'string' &&
        typeof proxy?.upstream === 'string',
    );
  if (!valid) {
    throw new Error(
      `Service "${service}" mounts a toxiproxy config that is not a list of { "name", "listen", "upstream" } proxies: fix the file.`,
    );
  }
  return proxies as ToxiproxyProxy[];
}

/**
 * Rewrites toxiproxy's `-config` file for a native run: each proxy listens on 127.0.0.1 and the native port of the
 * container port it listened on (`0.0.0.0:8666` -> `127.0.0.1:18666`), and its upstream `<service>:<port>` becomes
 * that service's native address, as in the environment.
 */
export function nativeToxiproxyConfig(json: string, options: NativeConfigContext): string {
  const replicated = new Set(
    [...options.replicaPorts].filter(([, instances]) => instances.length > 1).map(([name]) => name),
  );
  const proxies = parseProxies(json, options.service).map((proxy) => {
    const containerPort = Number(proxy.listen.slice(proxy.listen.lastIndexOf(':') + 1));
    const mapping = options.ports.find((port) => port.container === containerPort);
    if (!mapping) {
      throw new Error(
        `Service "${options.service}" has a proxy "${proxy.name}" listening on ${containerPort} without a native port: add "${containerPort}" to its expose and x-native-ports.`,
      );
    }
    return {
      ...proxy,
      listen: `127.0.0.1:${mapping.host}`,
      upstream: rewriteAddresses(proxy.upstream, options.published, options.service, replicated),
    };
  });
  return `${JSON.stringify(proxies, null, 2)}\n`;
}
