/**
 * PostgreSQL WAL positions ('16/B374D848': the high and low 32 bits in hex), as pg_current_wal_lsn() and
 * pg_last_wal_replay_lsn() print them. Compared as numbers, never as strings: '9/0' sorts after '10/0' as text.
 */
const lsnPattern = /^([0-9A-Fa-f]{1,8})\/([0-9A-Fa-f]{1,8})$/;

/** The position as a byte offset; BigInt because a 64-bit offset outgrows a double's 53 exact bits. */
export function lsnToBigInt(lsn: string): bigint {
  const match = lsnPattern.exec(lsn);
  if (!match) {
    throw new Error(
      `"${lsn}" is not a PostgreSQL LSN: pass one as the server prints it, two hex numbers joined by a slash (16/B374D848).`,
    );
  }
  return (BigInt(`0x${match[1]}`) << 32n) | BigInt(`0x${match[2]}`);
}

/** Negative when a comes before b, positive when after, 0 at the same position (whatever the hex case or zeros). */
export function compareLsn(a: string, b: string): number {
  const difference = lsnToBigInt(a) - lsnToBigInt(b);
  return difference < 0n ? -1 : difference > 0n ? 1 : 0;
}

/** The latest of the positions given, ignoring null and undefined; null when none is given. */
export function maxLsn(...lsns: (string | null | undefined)[]): string | null {
  let latest: string | null = null;
  for (const lsn of lsns) {
    if (lsn == null) continue;
    if (latest === null || compareLsn(lsn, latest) > 0) latest = lsn;
  }
  return latest;
}

/** Bytes of WAL from `from` to `to` (pg_wal_lsn_diff), never negative: 0 when `from` is already past `to`. */
export function lsnBytesBetween(from: string, to: string): number {
  const difference = lsnToBigInt(to) - lsnToBigInt(from);
  return difference > 0n ? Number(difference) : 0;
}
