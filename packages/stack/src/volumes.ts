import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import type { ComposeService } from './compose.ts';

export interface Mount {
  /** A host path (bind mount, resolved against the compose file's folder) or a named volume. */
  source: string;
  target: string;
  named: boolean;
}

/** Reads short (`SOURCE:TARGET[:MODE]`) and long (`{ source, target }`) volume syntax. */
export function mountsOf(service: ComposeService, composeDir: string): Mount[] {
  return (service.volumes ?? []).flatMap((volume) => {
    const [source, target] = typeof volume === 'string' ? volume.split(':') : [volume.source, volume.target];
    if (!source || !target) return [];
    const named = !source.startsWith('.') && !isAbsolute(source) && !source.startsWith('~');
    return [{ source: named ? source : resolve(composeDir, source), target, named }];
  });
}

/** Where a path inside the container lives on the host, through the bind mount that covers it. */
export function hostPathOf(containerPath: string, mounts: Mount[]): string | null {
  const covering = mounts
    .filter((mount) => !mount.named)
    .filter((mount) => containerPath === mount.target || containerPath.startsWith(`${mount.target}/`))
    .sort((a, b) => b.target.length - a.target.length)[0];
  if (!covering) return null;
  return join(covering.source, containerPath.slice(covering.target.length));
}

/**
 * Where the native runner keeps its copy of a bind-mounted container path, inside the instance's folder: the
 * servers' account may not reach the checkout (a 0700 home), so they read copies, as a container reads its mounts.
 */
export function mountCopyPath(containerPath: string, directory: string): string {
  return join(directory, 'mounts', containerPath);
}

/** The copied path of a container path that a bind mount covers, else null. */
export function copiedPathOf(containerPath: string, mounts: Mount[], directory: string): string | null {
  return hostPathOf(containerPath, mounts) === null ? null : mountCopyPath(containerPath, directory);
}

/** Every bind-mounted file (folders walked) as `mounts/<container path>` -> content, for the instance's set-up. */
export function mountedFiles(mounts: Mount[]): Record<string, string> {
  const files: Record<string, string> = {};
  const add = (source: string, target: string) => {
    if (!existsSync(source)) return;
    if (statSync(source).isDirectory()) {
      for (const entry of readdirSync(source)) add(join(source, entry), join(target, entry));
    } else {
      files[join('mounts', target)] = readFileSync(source, 'utf8');
    }
  };
  for (const mount of mounts.filter((candidate) => !candidate.named)) add(mount.source, mount.target);
  return files;
}
