import { readFileSync } from 'node:fs';

/** 127.0.0.1 as /proc writes it (little-endian hex), as an IPv4 address and as IPv4-mapped IPv6 (::ffff:127.0.0.1). */
export const loopbackIpv4 = '0100007F';
export const loopbackIpv4MappedIpv6 = '0000000000000000FFFF00000100007F';
export const loopbackAddresses = [loopbackIpv4, loopbackIpv4MappedIpv6];

/** The local addresses listening on a port, from /proc/net/tcp{,6} (hex, little-endian). */
export function listeningAddresses(port: number): string[] {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  return ['tcp', 'tcp6'].flatMap((table) =>
    readFileSync(`/proc/net/${table}`, 'utf8')
      .split('\n')
      .map((line) => line.trim().split(/\s+/))
      // st 0A: LISTEN.
      .filter((fields) => fields[1]?.endsWith(`:${hexPort}`) && fields[3] === '0A')
      .map((fields) => fields[1]?.split(':')[0] ?? ''),
  );
}
