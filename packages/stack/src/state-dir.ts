import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, realpathSync, statSync, symlinkSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { unprivilegedUser } from './privileges.ts';

/**
 * Where stages keep their state when the service account cannot reach the checkout (root's 0700 home, a
 * `mktemp -d` folder). Only root ever needs it (only root runs servers as another account), and /var/lib is
 * root's and survives reboots and tmp cleaners, which a database's data directory must.
 */
export const sharedStateRoot = process.env.STACK_SHARED_STATE_ROOT ?? '/var/lib/scaling-conduit';

interface Account {
  uid: number;
  gid: number;
}

/** Whether `account` may traverse every folder from / down to `path` (mode bits; ACLs are not consulted). */
export function traversableBy(path: string, account: Account): boolean {
  let current = realpathSync(path);
  for (;;) {
    const stat = statSync(current);
    const bit = stat.uid === account.uid ? 0o100 : stat.gid === account.gid ? 0o010 : 0o001;
    if (!stat.isDirectory() || (stat.mode & bit) === 0) return false;
    if (current === dirname(current)) return true;
    current = dirname(current);
  }
}

/**
 * The stage's state folder: `<checkout>/.stack/<stage>` when the servers' account can reach it (or no other
 * account is involved), else `<sharedStateRoot>/<checkout name>-<hash of its path>/<stage>`, with
 * `.stack/<stage>` in the checkout a link to it (made by `prepareStage`) so logs stay where people look.
 */
export function stageStateDir(root: string, name: string): { stateDir: string; link?: string } {
  const inCheckout = join(root, '.stack', name);
  const account = unprivilegedUser();
  if (account === null || !existsSync(root) || traversableBy(root, account)) return { stateDir: inCheckout };
  const real = realpathSync(root);
  const id = createHash('sha256').update(real).digest('hex').slice(0, 12);
  return { stateDir: join(sharedStateRoot, `${basename(real)}-${id}`, name), link: inCheckout };
}

/**
 * Creates the shared state root safely (ours, a real folder, traversable by the servers' account), the stage's
 * folder inside it, and the checkout's link to it. Fails with what to do when the account still cannot reach it.
 */
export function prepareSharedStateDir(stateDir: string, link: string): void {
  const account = unprivilegedUser();
  if (account === null) return;
  mkdirSync(sharedStateRoot, { recursive: true, mode: 0o755 });
  const root = lstatSync(sharedStateRoot);
  if (!root.isDirectory() || root.uid !== 0 || (root.mode & 0o022) !== 0) {
    throw new Error(
      `${sharedStateRoot} must be a folder owned by root and writable by root only (it holds the state of stages whose checkout the postgres account cannot reach): remove it, or set STACK_SHARED_STATE_ROOT to another folder.`,
    );
  }
  mkdirSync(stateDir, { recursive: true, mode: 0o755 });
  if (!traversableBy(stateDir, account)) {
    throw new Error(
      `The postgres account cannot reach ${stateDir}, where the servers keep their data: give every folder above it o+x (chmod o+x <folder>), or set STACK_SHARED_STATE_ROOT to a folder it can reach.`,
    );
  }
  // lstat, not exists: a dangling link left by a removed state folder still blocks symlinkSync.
  if (!lstatSync(link, { throwIfNoEntry: false })) {
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(stateDir, link);
  }
}
