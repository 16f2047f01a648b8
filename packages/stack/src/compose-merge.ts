import type { ComposeFile, ComposeService } from './compose.ts';

type Value = unknown;

const isMap = (value: Value): value is Record<string, Value> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** `KEY=value` lists and maps are the same environment. */
function asMap(value: Value): Record<string, Value> {
  if (isMap(value)) return value;
  if (!Array.isArray(value)) return {};
  return Object.fromEntries(
    value.map((entry) => {
      const text = String(entry);
      const at = text.indexOf('=');
      return at === -1 ? [text, null] : [text.slice(0, at), text.slice(at + 1)];
    }),
  );
}

const dependsOnMap = (value: Value): Record<string, Value> =>
  Array.isArray(value)
    ? Object.fromEntries(value.map((name) => [String(name), { condition: 'service_started' }]))
    : asMap(value);

const volumeTarget = (volume: Value): string =>
  typeof volume === 'string'
    ? (volume.split(':')[1] ?? volume)
    : String((volume as { target?: string }).target);

function deepMerge(base: Value, override: Value): Value {
  if (!isMap(base) || !isMap(override)) return override;
  const merged: Record<string, Value> = { ...base };
  for (const [key, value] of Object.entries(override)) merged[key] = deepMerge(base[key], value);
  return merged;
}

/** The override's value for one service key, merged with the base's as Compose merges `-f a.yml -f b.yml`. */
function mergeServiceKey(key: string, base: Value, override: Value): Value {
  if (base === undefined) return override;
  switch (key) {
    case 'environment':
    case 'labels':
      return { ...asMap(base), ...asMap(override) };
    case 'depends_on':
      return { ...dependsOnMap(base), ...dependsOnMap(override) };
    case 'volumes': {
      // A mount on the same container path replaces the base's.
      const replaced = new Set((override as Value[]).map(volumeTarget));
      return [
        ...(base as Value[]).filter((volume) => !replaced.has(volumeTarget(volume))),
        ...(override as Value[]),
      ];
    }
    case 'ports':
    case 'expose':
      return [...new Set([...(base as Value[]), ...(override as Value[])])];
    case 'command':
    case 'entrypoint':
      return override;
    default:
      return deepMerge(base, override);
  }
}

/**
 * Applies a compose override file (as `docker compose -f docker-compose.yml -f docker-compose.<variant>.yml` does), with
 * the merge rules the stages rely on: maps merge, environment and depends_on merge by key, volumes by container
 * path, ports and expose add up, command and other lists are replaced.
 */
export function mergeCompose(base: ComposeFile, override: Partial<ComposeFile>): ComposeFile {
  const services: Record<string, ComposeService> = { ...base.services };
  for (const [name, changes] of Object.entries(override.services ?? {})) {
    const current = (services[name] ?? {}) as Record<string, Value>;
    const merged: Record<string, Value> = { ...current };
    for (const [key, value] of Object.entries(changes))
      merged[key] = mergeServiceKey(key, current[key], value);
    services[name] = merged as ComposeService;
  }
  const merged = deepMerge({ ...base, services: {} }, { ...override, services: {} }) as ComposeFile;
  return { ...merged, services };
}
