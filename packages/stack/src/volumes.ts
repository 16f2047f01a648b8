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
