import { cpus } from 'node:os';
import { loadPlan, type StageInput } from '@scaling/stack';
import { parseCpuList } from './metadata.ts';

/** The CPUs a stage's long-running services are pinned to (from its compose cpusets), or undefined if any is unpinned. */
export function stageCpus(stage: StageInput): string | undefined {
  const services = loadPlan(stage).services.filter((service) => !service.oneShot);
  if (services.some((service) => service.cpuset === null)) return undefined;
  const cpus = new Set(services.flatMap((service) => parseCpuList(service.cpuset ?? '')));
  return [...cpus].sort((a, b) => a - b).join(',') || undefined;
}

/** The first CPU the system under test does not use, where the load generator should run. */
export function freeCpu(systemUnderTestCpus: string | undefined): string | undefined {
  if (systemUnderTestCpus === undefined) return undefined;
  const taken = parseCpuList(systemUnderTestCpus);
  for (let cpu = 0; cpu < cpus().length; cpu++) if (!taken.includes(cpu)) return String(cpu);
  return undefined;
}

/** The connection string of the stage's own Postgres, as published on the host. */
export function stageDatabaseUrl(stage: StageInput): string {
  const cluster = loadPlan(stage).services.find((service) => service.postgres)?.postgres;
  if (!cluster)
    throw new Error(`Stage ${String(stage)} runs no Postgres of its own, so there is nothing to seed.`);
  const credentials = `${encodeURIComponent(cluster.user)}:${encodeURIComponent(cluster.password)}`;
  return `postgres://${credentials}@127.0.0.1:${cluster.port}/${cluster.database}`;
}
