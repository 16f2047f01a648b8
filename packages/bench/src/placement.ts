import { cpus } from 'node:os';
import { loadPlan, ownerDatabaseUrl, type StageInput } from '@scaling/stack';
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

/** The stage's own Postgres as the schema's owner, from its native plan: for seeding and inspecting the jobs table. */
export function stageDatabaseUrl(stage: StageInput): string {
  return ownerDatabaseUrl(loadPlan(stage));
}
