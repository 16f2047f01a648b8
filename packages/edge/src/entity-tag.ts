import { createHash } from 'node:crypto';

/** A strong validator: the same bytes always give the same tag, on every replica. */
export function entityTag(body: string | Buffer): string {
  return `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
}

/**
 * If-None-Match compares weakly (RFC 9110, 13.1.2): an edge that compressed the body marks the tag weak (W/),
 * and it still names these bytes.
 */
export function matchesIfNoneMatch(header: string | undefined, tag: string): boolean {
  if (header === undefined) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((candidate) => candidate.trim().replace(/^W\//, '') === tag);
}
