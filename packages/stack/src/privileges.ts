import { execFileSync } from 'node:child_process';

/** PostgreSQL refuses to run as root, so servers started by root run as this account (created by the Debian package). */
const serviceAccount = 'postgres';

let account: { uid: number; gid: number } | undefined;

export function unprivilegedUser(): { uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  account ??= {
    uid: Number(execFileSync('id', ['-u', serviceAccount], { encoding: 'utf8' }).trim()),
    gid: Number(execFileSync('id', ['-g', serviceAccount], { encoding: 'utf8' }).trim()),
  };
  return account;
}

export function asUnprivileged(argv: string[]): string[] {
  if (process.getuid?.() !== 0) return argv;
  return [
    'setpriv',
    `--reuid=${serviceAccount}`,
    `--regid=${serviceAccount}`,
    '--init-groups',
    '--',
    ...argv,
  ];
}
