import type { ComposeService } from './compose.ts';

/** What an instance may use, as Docker enforces `cpus` and `mem_limit`: natively a cgroup per instance (cgroups.ts). */
export interface ResourceLimits {
  /** CPUs of time per period, e.g. 0.25: a quarter of one CPU. */
  cpus?: number;
  memoryBytes?: number;
}

const byteUnits: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };

/** Compose byte values: a number of bytes, or "512m", "1g", "256MB", "1.5GiB" (binary multiples, as Docker reads them). */
export function parseBytes(name: string, key: string, value: string | number): number {
  if (typeof value === 'number') return value;
  const match = /^(\d+(?:\.\d+)?)\s*([kmgt]?)i?b?$/i.exec(value.trim());
  if (!match) {
    throw new Error(`Service "${name}" sets ${key}: "${value}", which is not a size: write e.g. 512m or 1g.`);
  }
  return Math.round(Number(match[1]) * (byteUnits[(match[2] ?? '').toLowerCase()] ?? 1));
}

function parseCpus(name: string, key: string, value: string | number): number {
  const cpus = Number(value);
  if (!Number.isFinite(cpus) || cpus < 0) {
    throw new Error(
      `Service "${name}" sets ${key}: "${value}", which is not a number of CPUs: write e.g. 0.25.`,
    );
  }
  return cpus;
}

/** Compose refuses a service whose two spellings of one limit disagree; so does the native runner. */
function oneOf(name: string, keys: [string, string], values: [number | undefined, number | undefined]) {
  const [service, deploy] = values;
  if (service !== undefined && deploy !== undefined && service !== deploy) {
    throw new Error(
      `Service "${name}" sets ${keys[0]} and ${keys[1]} to different values: keep one of them.`,
    );
  }
  return service ?? deploy;
}

/** `cpus` / `deploy.resources.limits.cpus` and `mem_limit` / `deploy.resources.limits.memory`; 0 means no limit. */
export function resourceLimitsOf(name: string, service: ComposeService): ResourceLimits {
  const limits = service.deploy?.resources?.limits;
  const read = <T>(value: string | number | undefined, parse: (v: string | number) => T) =>
    value === undefined || value === null ? undefined : parse(value);
  const cpus = oneOf(
    name,
    ['cpus', 'deploy.resources.limits.cpus'],
    [
      read(service.cpus, (value) => parseCpus(name, 'cpus', value)),
      read(limits?.cpus, (value) => parseCpus(name, 'deploy.resources.limits.cpus', value)),
    ],
  );
  const memoryBytes = oneOf(
    name,
    ['mem_limit', 'deploy.resources.limits.memory'],
    [
      read(service.mem_limit, (value) => parseBytes(name, 'mem_limit', value)),
      read(limits?.memory, (value) => parseBytes(name, 'deploy.resources.limits.memory', value)),
    ],
  );
  return {
    ...(cpus ? { cpus } : {}),
    ...(memoryBytes ? { memoryBytes } : {}),
  };
}

export function hasLimits(limits: ResourceLimits | undefined): limits is ResourceLimits {
  return limits?.cpus !== undefined || limits?.memoryBytes !== undefined;
}

/** "0.25 CPU, 256 MiB" for progress lines and `ps`. */
export function describeLimits(limits: ResourceLimits): string {
  const parts: string[] = [];
  if (limits.cpus !== undefined) parts.push(`${limits.cpus} CPU`);
  if (limits.memoryBytes !== undefined) parts.push(describeBytes(limits.memoryBytes));
  return parts.join(', ');
}

export function describeBytes(bytes: number): string {
  for (const [unit, size] of [
    ['GiB', 1024 ** 3],
    ['MiB', 1024 ** 2],
    ['KiB', 1024],
  ] as const) {
    if (bytes >= size && bytes % (size / 16) === 0) return `${bytes / size} ${unit}`;
  }
  return `${bytes} B`;
}
