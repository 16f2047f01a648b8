import type { Actuator } from './actuator.ts';
import type { AutoscalerMetrics } from './autoscaler-metrics.ts';
import { type AutoscalerConfig, replicaPolicyOf, workerPolicyOf } from './config.ts';
import type { MetricsSource } from './metrics-source.ts';
import {
  type Decision,
  decideReplicas,
  decideWorkers,
  initialState,
  recordScaling,
  type ScalingState,
} from './policy.ts';

export interface ControllerLogger {
  info(details: object, message: string): void;
  error(details: object, message: string): void;
}

export interface ControllerOptions {
  config: AutoscalerConfig;
  source: MetricsSource;
  actuator: Actuator;
  metrics: AutoscalerMetrics;
  logger: ControllerLogger;
  now?: () => number;
}

export interface Controller {
  /** Observes, decides and (unless a dry run) acts once for the API replicas, then once for the workers. */
  tick(signal?: AbortSignal): Promise<void>;
}

/** One observe-decide-act step per service; each service keeps its own cooldowns. */
export function createController(options: ControllerOptions): Controller {
  const { config, source, actuator, metrics, logger } = options;
  const now = options.now ?? Date.now;
  const { env, scaled, timeScale } = config;
  const dryRun = env.AUTOSCALER_DRY_RUN;
  const states = new Map<string, ScalingState>();
  const replicaPolicy = replicaPolicyOf(config);
  const workerPolicy = workerPolicyOf(config);

  /** Logs the decision with what it was made from, one JSON line, then carries it out. */
  async function act(
    service: string,
    decision: Decision,
    inputs: object,
    signal?: AbortSignal,
  ): Promise<void> {
    metrics.decided(service, decision);
    logger.info({ event: 'decision', service, ...decision, inputs, timeScale, dryRun }, decision.detail);
    if (decision.direction === 'hold' || dryRun) return;
    const started = now();
    const running = await actuator.scale(service, decision.desired, signal);
    // The cooldown runs from when the new replicas serve, not from when they were asked for.
    states.set(service, recordScaling(states.get(service) ?? initialState, decision, now()));
    metrics.scaled(service, decision.direction);
    logger.info(
      {
        event: 'scaled',
        service,
        direction: decision.direction,
        from: decision.current,
        running,
        ms: now() - started,
      },
      `Scaled ${service} ${decision.direction} from ${decision.current} to ${running} replicas.`,
    );
  }

  async function scaleReplicas(signal?: AbortSignal): Promise<void> {
    const service = env.AUTOSCALER_SERVICE;
    const replicas = await actuator.replicas(service, signal);
    const samples = await source.replicaSamples(service, scaled.timing, signal);
    const state = states.get(service) ?? initialState;
    const decision = decideReplicas(replicaPolicy, state, { replicas, samples }, now());
    await act(service, decision, { replicas, samples }, signal);
  }

  async function scaleWorkers(signal?: AbortSignal): Promise<void> {
    const service = env.AUTOSCALER_WORKER_SERVICE;
    const replicas = await actuator.replicas(service, signal);
    const backlog = await source.jobBacklog(signal);
    const state = states.get(service) ?? initialState;
    const decision = decideWorkers(workerPolicy, state, { replicas, backlog }, now());
    await act(service, decision, { replicas, backlog }, signal);
  }

  /** A failure leaves this tick for that service; the next tick observes again from scratch. */
  async function guarded(
    service: string,
    step: (signal?: AbortSignal) => Promise<void>,
    signal?: AbortSignal,
  ) {
    try {
      await step(signal);
    } catch (error) {
      if (signal?.aborted) return;
      const known = (error as { code?: string }).code;
      const code = known ?? 'AUTOSCALER_TICK_FAILED';
      metrics.failed(code);
      // An error with a stable code says what to do in its message; only an unexpected one needs its stack.
      logger.error(
        { event: 'failure', service, code, ...(known ? {} : { err: error }) },
        `This tick of ${service} failed: ${(error as Error).message}`,
      );
    }
  }

  return {
    async tick(signal) {
      await guarded(env.AUTOSCALER_SERVICE, scaleReplicas, signal);
      if (env.AUTOSCALER_WORKER_SERVICE) await guarded(env.AUTOSCALER_WORKER_SERVICE, scaleWorkers, signal);
    },
  };
}
