import { hash } from 'node:crypto';

/**
 * A key's position on the ring: the first 48 bits of its MD5, as an exact integer below 2^53.
 * Placement must agree across every app replica, the resharding tool and the bench, on any machine and Node
 * version, so it comes from a fixed digest rather than anything process-local; MD5 is for spread, not secrecy.
 * 48 bits make two vnodes landing on the same point practically impossible (and ties are broken by name anyway).
 */
export function hashKey(key: string): number {
  return hash('md5', key, 'buffer').readUIntBE(0, 6);
}
