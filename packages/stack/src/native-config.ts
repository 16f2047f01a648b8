import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PortMapping } from './ports.ts';
import type { PlanContext } from './types.ts';
import { hostPathOf, type Mount } from './volumes.ts';

/** What rewriting a mounted configuration file for a native run needs to map its addresses, ports and paths. */
export interface NativeConfigContext {
  /** The service's name, for error messages. */
  service: string;
  /** Where this instance listens natively: the ports its file listens on must be among them. */
  ports: PortMapping[];
  /** The ports of every single-instance service, for `<service>:<port>` in the file. */
  published: Map<string, PortMapping[]>;
  /** Every service's instances' ports, in replica order: a replicated service becomes one address per replica. */
  replicaPorts: Map<string, PortMapping[][]>;
  mounts: Mount[];
  /** The instance's private folder: pid files, temp paths and the copies of mounted files go here. */
  directory: string;
}

export interface MountedConfig {
  /** The host file mounted on the configuration path, named in the rewritten file's header. */
  source: string;
  text: string;
  context: NativeConfigContext;
}

/**
 * The configuration file a server reads at `containerPath`, from the host file the compose file mounts there, with
 * what its rewrite needs. Without that mount the server would start with nothing to serve, so planning fails saying
 * which volume to add (`exampleFile`, e.g. `./config/nginx.conf`, and how to get it, `hint`).
 */
export function readMountedConfig(
  plan: PlanContext,
  containerPath: string,
  exampleFile: string,
  hint = 'the file must exist',
): MountedConfig {
  const source = hostPathOf(containerPath, plan.mounts);
  if (!source || !existsSync(source)) {
    throw new Error(
      `Service "${plan.name}" needs its configuration mounted: add volumes: ["${exampleFile}:${containerPath}:ro"] (${hint}).`,
    );
  }
  return {
    source,
    text: readFileSync(source, 'utf8'),
    context: {
      service: plan.name,
      ports: plan.ports,
      published: plan.published,
      replicaPorts: plan.replicaPorts,
      mounts: plan.mounts,
      directory: join(plan.stateDir, 'services', plan.instance),
    },
  };
}
