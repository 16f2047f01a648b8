import { BlockList, isIP } from 'node:net';
import type { FastifyServerOptions } from 'fastify';

/**
 * Fastify's `trustProxy` for an app behind one proxy: the client address (`request.ip`, the logs, rate limits) is
 * the last `X-Forwarded-For` entry, the one the proxy saw, but only on a connection that comes from one of
 * `subnets`. Entries further left were written by the client, so they are never believed; a client that reaches the
 * app directly gets its own socket address, whatever header it sends.
 */
export function trustProxyHop(subnets: readonly string[]): NonNullable<FastifyServerOptions['trustProxy']> {
  const proxies = new BlockList();
  for (const subnet of subnets) {
    const [address = '', prefix] = subnet.split('/');
    const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    proxies.addSubnet(
      address,
      prefix === undefined ? (family === 'ipv6' ? 128 : 32) : Number(prefix),
      family,
    );
  }
  // Hop 0 is the connection's own address; IPv4-mapped IPv6 addresses (::ffff:127.0.0.1) match IPv4 subnets.
  return (address: string, hop: number) =>
    hop === 0 && proxies.check(address, isIP(address) === 6 ? 'ipv6' : 'ipv4');
}
