import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { postgresBinDir } from './postgres.ts';
import { asUnprivileged, unprivilegedUser } from './privileges.ts';

const run = promisify(execFile);

/** Where a standby copies its primary from and streams WAL afterwards: a role with REPLICATION (or a superuser). */
export interface PrimarySource {
  host: string;
  port: number;
  user: string;
  password: string;
  /**
   * A physical replication slot on the primary, created when missing: the primary keeps the WAL this standby has not
   * received yet (a stopped replica catches up however long it was away, at the price of the primary's disk).
   */
  slot?: string;
}

/** A data directory that holds a standby: pg_basebackup -R left `standby.signal` in it. */
export function holdsStandby(dataDir: string): boolean {
  return existsSync(join(dataDir, 'standby.signal'));
}

/**
 * Makes `dataDir` a hot standby of `primary`, once: `pg_basebackup -R -X stream` as the unprivileged account (when
 * root) into a scratch folder renamed into place only when complete, so a failed copy never passes for a standby.
 * The password travels in PGPASSWORD (never on a command line); -R writes it into the standby's primary_conninfo.
 * The time limit allows for a seeded primary of a few GB copied on a shared CPU.
 */
export async function baseBackup(
  dataDir: string,
  primary: PrimarySource,
  { timeoutMs = 600_000 }: { timeoutMs?: number } = {},
): Promise<void> {
  if (holdsStandby(dataDir)) return;
  if (existsSync(dataDir) && readdirSync(dataDir).length > 0) {
    throw new Error(
      `${dataDir} holds data but no standby.signal (a promoted standby or another cluster): remove the folder (pnpm stack down <stage> --volumes) so the standby is copied again from its primary.`,
    );
  }
  const scratch = `${dataDir}.partial`;
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(dirname(dataDir), { recursive: true });
  mkdirSync(scratch, { mode: 0o700 });
  const owner = unprivilegedUser();
  if (owner) chownSync(scratch, owner.uid, owner.gid);
  const connection = [
    ...['--host', primary.host, '--port', String(primary.port), '--username', primary.user, '--no-password'],
  ];
  const options = {
    cwd: dirname(dataDir),
    env: { ...process.env, PGPASSWORD: primary.password, PGCONNECT_TIMEOUT: '5' },
    timeout: timeoutMs,
  };
  const [command, ...args] = asUnprivileged([
    join(postgresBinDir, 'pg_basebackup'),
    ...['--pgdata', scratch, '--write-recovery-conf', '--wal-method=stream', '--checkpoint=fast'],
    ...connection,
    // -R then writes primary_slot_name too.
    ...(primary.slot ? ['--slot', primary.slot] : []),
  ]);
  try {
    if (primary.slot) {
      const [receiver, ...slotArgs] = asUnprivileged([
        join(postgresBinDir, 'pg_receivewal'),
        ...['--create-slot', '--if-not-exists', '--slot', primary.slot],
        ...connection,
      ]);
      await run(receiver as string, slotArgs, options);
    }
    await run(command as string, args, options);
  } catch (error) {
    rmSync(scratch, { recursive: true, force: true });
    const stderr = String((error as { stderr?: string }).stderr ?? '').trim();
    throw new Error(
      `pg_basebackup could not copy the primary at ${primary.host}:${primary.port} as "${primary.user}" within ${timeoutMs} ms${stderr ? `: ${stderr}` : ''}. Check that the primary runs, that the role exists with REPLICATION and this password, and that its pg_hba.conf allows "replication" connections from here.`,
      { cause: error },
    );
  }
  rmSync(dataDir, { recursive: true, force: true });
  renameSync(scratch, dataDir);
}
