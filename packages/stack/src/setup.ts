import { chownSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { initCluster } from './postgres.ts';
import { unprivilegedUser } from './privileges.ts';
import type { PlannedService } from './types.ts';

/** What a service needs before it starts: its program installed, its data directory, its generated configuration. */
export function prepareService(service: PlannedService): void {
  if (service.requires && !existsSync(service.requires.path)) {
    throw new Error(
      `Service "${service.name}" needs ${service.requires.path}, which is missing: ${service.requires.install}.`,
    );
  }
  if (service.postgres) initCluster(service.postgres);
  const setup = service.setup;
  if (!setup) return;
  mkdirSync(setup.directory, { recursive: true });
  const owner = setup.unprivileged ? unprivilegedUser() : null;
  if (owner) chownSync(setup.directory, owner.uid, owner.gid);
  for (const [name, content] of Object.entries(setup.files)) {
    const file = join(setup.directory, name);
    writeFileSync(file, content);
    if (owner) chownSync(file, owner.uid, owner.gid);
  }
}
