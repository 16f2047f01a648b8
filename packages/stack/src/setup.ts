import {
  appendFileSync,
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { initCluster } from './postgres.ts';
import { unprivilegedUser } from './privileges.ts';
import { baseBackup } from './standby.ts';
import { logFile } from './state.ts';
import type { PlannedInstance, PlannedService } from './types.ts';

/** Whether the generated configuration on disk differs from the plan's (the plan changed since the last start). */
export function setupChanged(instance: PlannedInstance): boolean {
  const setup = instance.setup;
  if (!setup) return false;
  return Object.entries(setup.files).some(([name, content]) => {
    const file = join(setup.directory, name);
    return !existsSync(file) || readFileSync(file, 'utf8') !== content;
  });
}

/** What an instance needs before it starts: its program installed, its data directory, its generated configuration. */
export async function prepareInstance(
  stateDir: string,
  service: PlannedService,
  instance: PlannedInstance,
): Promise<void> {
  if (service.requires && !existsSync(service.requires.path)) {
    throw new Error(
      `Service "${service.name}" needs ${service.requires.path}, which is missing: ${service.requires.install}.`,
    );
  }
  if (service.postgres) initCluster(service.postgres);
  if (service.standby) await baseBackup(service.standby.dataDir, service.standby.primary);
  const setup = instance.setup;
  if (!setup) return;
  mkdirSync(setup.directory, { recursive: true });
  const owner = setup.unprivileged ? unprivilegedUser() : null;
  if (owner) {
    chownSync(setup.directory, owner.uid, owner.gid);
    // Servers that reopen /dev/stdout or /dev/stderr (nginx's logs) need to be allowed to open their log file.
    const log = logFile(stateDir, instance.name);
    appendFileSync(log, '');
    chownSync(log, owner.uid, owner.gid);
  }
  for (const [name, content] of Object.entries(setup.files)) {
    const file = join(setup.directory, name);
    for (const folder of foldersBetween(setup.directory, dirname(file))) {
      mkdirSync(folder, { recursive: true });
      if (owner) chownSync(folder, owner.uid, owner.gid);
    }
    // Generated files can carry secrets (PgBouncer's userlist.txt): readable by the server's account only.
    writeFileSync(file, content, { mode: 0o600 });
    chmodSync(file, 0o600);
    if (owner) chownSync(file, owner.uid, owner.gid);
  }
}

/** The folders below `top` down to `folder`, outermost first. */
function foldersBetween(top: string, folder: string): string[] {
  const path = relative(top, folder);
  if (path === '') return [];
  return path.split(sep).map((_, index, parts) => join(top, ...parts.slice(0, index + 1)));
}
