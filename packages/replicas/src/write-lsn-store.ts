/**
 * Each user's last write, as a WAL position: their reads must see at least that much, wherever they land
 * (read-your-writes). Kept per user rather than per process, since their next request may reach another app replica.
 */
export interface WriteLsnStore {
  /** Records that the user wrote at `lsn`; an earlier position never replaces a later one. */
  remember(userId: string | number, lsn: string): Promise<void>;
  /** The user's last write position, or null when none is remembered (never wrote, or long enough ago). */
  lastWrite(userId: string | number): Promise<string | null>;
}
