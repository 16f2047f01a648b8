import type { PlannedService } from './types.ts';

/**
 * The compose profiles `up` starts, as Docker reads them: the COMPOSE_PROFILES variable (comma-separated) and
 * those given (`--profile`). A service with profiles starts only when one of them is active, or when named
 * (`pnpm stack start <stage> <service>`); a service without profiles always starts.
 */
export function activeProfiles(given: readonly string[] = [], environment = process.env): Set<string> {
  const fromEnvironment = (environment.COMPOSE_PROFILES ?? '').split(',').map((name) => name.trim());
  return new Set([...fromEnvironment, ...given].filter(Boolean));
}

export function isActive(service: PlannedService, active: ReadonlySet<string>): boolean {
  return service.profiles.length === 0 || service.profiles.some((profile) => active.has(profile));
}
