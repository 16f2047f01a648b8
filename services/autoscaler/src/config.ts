import { parseArgs } from 'node:util';
import { z } from 'zod';
import type { ReplicaPolicy, WorkerPolicy } from './policy.ts';
import { type ScaledTiming, scaleTiming } from './timing.ts';

const seconds = (fallback: number) => z.coerce.number().positive().max(86_400).default(fallback);
const replicas = (fallback: number) => z.coerce.number().int().min(0).max(1_000).default(fallback);
const fraction = (fallback: number) => z.coerce.number().gt(0).lt(1).default(fallback);
const serviceName = (fallback: string) =>
  z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]*$/, 'a compose service name: lower-case letters, digits, "-" and "_"')
    .default(fallback);
const flag = z
  .enum(['true', 'false', '1', '0', ''])
  .default('false')
  .transform((value) => value === 'true' || value === '1');

const envSchema = z
  .object({
    AUTOSCALER_SERVICE: serviceName('app'),
    AUTOSCALER_MIN_REPLICAS: replicas(2),
    AUTOSCALER_MAX_REPLICAS: replicas(20),
    AUTOSCALER_CPU_PER_REPLICA: z.coerce.number().positive().max(256).default(0.25),
    AUTOSCALER_SCALE_OUT_ABOVE: fraction(0.7),
    AUTOSCALER_SCALE_IN_BELOW: fraction(0.3),
    AUTOSCALER_SCALE_OUT_WINDOW_SECONDS: seconds(60),
    AUTOSCALER_SCALE_IN_WINDOW_SECONDS: seconds(300),
    AUTOSCALER_SCALE_OUT_COOLDOWN_SECONDS: seconds(180),
    AUTOSCALER_SCALE_IN_COOLDOWN_SECONDS: seconds(600),
    AUTOSCALER_WARM_UP_SECONDS: seconds(120),
    AUTOSCALER_INTERVAL_SECONDS: seconds(15),
    AUTOSCALER_TIME_SCALE: z.coerce.number().min(1).max(1_000).default(1),
    AUTOSCALER_DRY_RUN: flag,
    AUTOSCALER_ACTUATOR: z.enum(['docker', 'native']).default('docker'),
    AUTOSCALER_STAGE: z.string().optional(),
    // Empty: the controller leaves the workers alone (a stage without a worker service).
    AUTOSCALER_WORKER_SERVICE: z.union([serviceName('worker'), z.literal('')]).default('worker'),
    AUTOSCALER_WORKER_MIN_REPLICAS: replicas(1),
    AUTOSCALER_WORKER_MAX_REPLICAS: replicas(4),
    AUTOSCALER_JOBS_PER_WORKER: z.coerce.number().int().min(1).max(1_000_000).default(100),
    PROMETHEUS_URL: z.url({ protocol: /^https?$/ }).default('http://prometheus:9090'),
    HOST: z.string().default('0.0.0.0'),
    METRICS_PORT: z.coerce.number().int().min(0).max(65_535).default(9464),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  })
  .superRefine((env, context) => {
    const problem = (path: string, message: string) =>
      context.addIssue({ code: 'custom', path: [path], message });
    if (env.AUTOSCALER_MIN_REPLICAS < 1)
      problem('AUTOSCALER_MIN_REPLICAS', 'keep at least 1 replica serving');
    if (env.AUTOSCALER_MIN_REPLICAS > env.AUTOSCALER_MAX_REPLICAS) {
      problem('AUTOSCALER_MAX_REPLICAS', 'must be at least AUTOSCALER_MIN_REPLICAS');
    }
    if (env.AUTOSCALER_WORKER_MIN_REPLICAS > env.AUTOSCALER_WORKER_MAX_REPLICAS) {
      problem('AUTOSCALER_WORKER_MAX_REPLICAS', 'must be at least AUTOSCALER_WORKER_MIN_REPLICAS');
    }
    if (env.AUTOSCALER_SCALE_IN_BELOW >= env.AUTOSCALER_SCALE_OUT_ABOVE) {
      problem(
        'AUTOSCALER_SCALE_IN_BELOW',
        'must be below AUTOSCALER_SCALE_OUT_ABOVE, or every level would flap',
      );
    }
    if (env.AUTOSCALER_ACTUATOR === 'native' && !env.AUTOSCALER_STAGE) {
      problem('AUTOSCALER_STAGE', 'the native actuator needs the stage it scales, e.g. 05-autoscaling-jwt');
    }
  });

export type AutoscalerEnv = z.output<typeof envSchema>;

export interface AutoscalerConfig {
  env: AutoscalerEnv;
  timeScale: number;
  scaled: ScaledTiming;
  /** The replicas this machine can hold at the service's CPU quota; the effective maximum is the lower of the two. */
  machineMaxReplicas: number;
  maxReplicas: number;
}

/** `--time-scale N` on the command line wins over AUTOSCALER_TIME_SCALE. */
function timeScaleArgument(argv: string[]): string | undefined {
  const { values } = parseArgs({ args: argv, options: { 'time-scale': { type: 'string' } }, strict: true });
  return values['time-scale'];
}

/**
 * Validates the environment and arguments once at start, naming every problem at once. `cpus` is what
 * `os.availableParallelism()` reports: the machine's (or the container's cpuset's) processors.
 */
export function loadConfig(env: NodeJS.ProcessEnv, argv: string[], cpus: number): AutoscalerConfig {
  let argument: string | undefined;
  try {
    argument = timeScaleArgument(argv);
  } catch (error) {
    throw new Error(
      `${(error as Error).message}. The only argument is --time-scale N (a number from 1 to 1000).`,
    );
  }
  const parsed = envSchema.safeParse({
    ...env,
    ...(argument === undefined ? {} : { AUTOSCALER_TIME_SCALE: argument }),
  });
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((issue) => `${issue.path.join('.')}: ${issue.message}`)
      .join('; ');
    throw Object.assign(
      new Error(
        `The autoscaler's configuration is invalid (${problems}). Set these variables and start again.`,
      ),
      { code: 'AUTOSCALER_CONFIG_INVALID' },
    );
  }
  const config = parsed.data;
  const machineMaxReplicas = Math.max(1, Math.floor(cpus / config.AUTOSCALER_CPU_PER_REPLICA));
  return {
    env: config,
    timeScale: config.AUTOSCALER_TIME_SCALE,
    scaled: scaleTiming(
      {
        scaleOutWindowSeconds: config.AUTOSCALER_SCALE_OUT_WINDOW_SECONDS,
        scaleInWindowSeconds: config.AUTOSCALER_SCALE_IN_WINDOW_SECONDS,
        scaleOutCooldownSeconds: config.AUTOSCALER_SCALE_OUT_COOLDOWN_SECONDS,
        scaleInCooldownSeconds: config.AUTOSCALER_SCALE_IN_COOLDOWN_SECONDS,
        warmUpSeconds: config.AUTOSCALER_WARM_UP_SECONDS,
        intervalSeconds: config.AUTOSCALER_INTERVAL_SECONDS,
      },
      config.AUTOSCALER_TIME_SCALE,
    ),
    machineMaxReplicas,
    // The minimum stands even on a machine too small for it: fewer replicas than asked is a choice for the operator.
    maxReplicas: Math.max(
      config.AUTOSCALER_MIN_REPLICAS,
      Math.min(config.AUTOSCALER_MAX_REPLICAS, machineMaxReplicas),
    ),
  };
}

/** The CPU policy of the scaled service, its durations divided by the time scale. */
export function replicaPolicyOf(config: AutoscalerConfig): ReplicaPolicy {
  const { env, scaled } = config;
  return {
    minReplicas: env.AUTOSCALER_MIN_REPLICAS,
    maxReplicas: config.maxReplicas,
    scaleOutAbove: env.AUTOSCALER_SCALE_OUT_ABOVE,
    scaleInBelow: env.AUTOSCALER_SCALE_IN_BELOW,
    scaleOutCooldownSeconds: scaled.timing.scaleOutCooldownSeconds,
    scaleInCooldownSeconds: scaled.timing.scaleInCooldownSeconds,
    warmUpSeconds: scaled.timing.warmUpSeconds,
  };
}

/** The backlog policy of the workers, with the same cooldowns as the API replicas. */
export function workerPolicyOf(config: AutoscalerConfig): WorkerPolicy {
  const { env, scaled } = config;
  return {
    minReplicas: env.AUTOSCALER_WORKER_MIN_REPLICAS,
    maxReplicas: env.AUTOSCALER_WORKER_MAX_REPLICAS,
    jobsPerWorker: env.AUTOSCALER_JOBS_PER_WORKER,
    scaleOutCooldownSeconds: scaled.timing.scaleOutCooldownSeconds,
    scaleInCooldownSeconds: scaled.timing.scaleInCooldownSeconds,
  };
}
