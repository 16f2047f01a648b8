import { loadPlan, type StageInput } from '@scaling/stack';

/** How a stage's autoscaler was configured for a run, read from its plan: what a result must say it ran with. */
export interface AutoscalerSettings {
  /** Divides every window, cooldown, warm-up and the loop interval (1: the policy as written). */
  timeScale: number;
  /** Decides and logs without acting: the fixed-capacity comparison. */
  dryRun: boolean;
  minReplicas: number;
  maxReplicas: number;
  cpuPerReplica: number;
  /** The app replicas the stage starts with. */
  bootReplicas: number;
}

/**
 * The `autoscaler` service's environment as the stage (and its variant) plans it, with the policy's defaults for what
 * it leaves unset; throws when the stage runs no autoscaler.
 */
export function autoscalerSettings(stage: StageInput): AutoscalerSettings {
  const plan = loadPlan(stage);
  const autoscaler = plan.services.find((service) => service.name === 'autoscaler');
  if (!autoscaler) {
    throw new Error(
      `The running stage ${plan.stage.name} has no "autoscaler" service: this experiment needs stage 5 or later.`,
    );
  }
  const env = autoscaler.env;
  const number = (name: string, fallback: number) => {
    const value = Number(env[name] ?? fallback);
    if (!Number.isFinite(value) || value <= 0) {
      throw new Error(
        `The autoscaler's ${name}="${env[name]}" is not a positive number: fix the stage's compose file.`,
      );
    }
    return value;
  };
  const service = env.AUTOSCALER_SERVICE ?? 'app';
  return {
    timeScale: number('AUTOSCALER_TIME_SCALE', 1),
    dryRun: env.AUTOSCALER_DRY_RUN === 'true',
    minReplicas: number('AUTOSCALER_MIN_REPLICAS', 2),
    maxReplicas: number('AUTOSCALER_MAX_REPLICAS', 20),
    cpuPerReplica: number('AUTOSCALER_CPU_PER_REPLICA', 0.25),
    bootReplicas: plan.services.find((candidate) => candidate.name === service)?.instances.length ?? 0,
  };
}

/** One line for a report: "time scale 10, min 2, max 20, 0.25 CPU per replica" (and "dry run" when it does not act). */
export function describeAutoscaler(settings: AutoscalerSettings): string {
  return (
    `time scale ${settings.timeScale}, min ${settings.minReplicas}, max ${settings.maxReplicas}, ` +
    `${settings.cpuPerReplica} CPU per replica${settings.dryRun ? ', dry run (decides, does not act)' : ''}`
  );
}
