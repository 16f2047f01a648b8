import { availableParallelism, hostname } from 'node:os';
import { createMetricsRegistry, startMetricsServer } from '@scaling/metrics';
import pino from 'pino';
import type { Actuator } from './actuator.ts';
import { createAutoscalerMetrics } from './autoscaler-metrics.ts';
import { type AutoscalerConfig, loadConfig, replicaPolicyOf } from './config.ts';
import { createController } from './controller.ts';
import { createDockerActuator } from './docker-actuator.ts';
import { createDockerEngine } from './docker-engine.ts';
import { type Loop, startLoop } from './loop.ts';
import { createNativeActuator } from './native-actuator.ts';
import { createPrometheusMetricsSource } from './prometheus-metrics-source.ts';

/** Where compose mounts the Engine's socket (see README: root-equivalent access). */
const dockerSocket = '/var/run/docker.sock';

function createActuator(config: AutoscalerConfig, logger: pino.Logger): Actuator {
  if (config.env.AUTOSCALER_ACTUATOR === 'native') {
    return createNativeActuator({
      stage: config.env.AUTOSCALER_STAGE as string,
      output: (line) => logger.info({ event: 'runner' }, line),
    });
  }
  return createDockerActuator({
    engine: createDockerEngine({ socketPath: dockerSocket }),
    // Docker names a container's host after its short id, which the Engine API accepts as the container.
    selfContainer: hostname(),
    log: (details, message) => logger.info({ event: 'docker', ...details }, message),
  });
}

let config: AutoscalerConfig;
try {
  config = loadConfig(process.env, process.argv.slice(2), availableParallelism());
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}

const { env, scaled, timeScale } = config;
const logger = pino({ level: env.LOG_LEVEL });
logger.info(
  {
    event: 'start',
    actuator: env.AUTOSCALER_ACTUATOR,
    service: env.AUTOSCALER_SERVICE,
    workerService: env.AUTOSCALER_WORKER_SERVICE || null,
    dryRun: env.AUTOSCALER_DRY_RUN,
    timeScale,
    timing: scaled.timing,
    policy: replicaPolicyOf(config),
    cpus: availableParallelism(),
    machineMaxReplicas: config.machineMaxReplicas,
  },
  `Autoscaling ${env.AUTOSCALER_SERVICE} between ${env.AUTOSCALER_MIN_REPLICAS} and ${config.maxReplicas} replicas ` +
    `(configured maximum ${env.AUTOSCALER_MAX_REPLICAS}; this machine's ${availableParallelism()} CPUs hold ` +
    `${config.machineMaxReplicas} at ${env.AUTOSCALER_CPU_PER_REPLICA} CPU each), time scale ${timeScale}` +
    `${env.AUTOSCALER_DRY_RUN ? ', dry run: deciding and logging without acting' : ''}.`,
);
for (const { name, scaled: wanted, used } of scaled.raised) {
  const why = name.endsWith('WindowSeconds')
    ? 'a window must hold 3 scrapes, 5 s apart'
    : name.endsWith('CooldownSeconds')
      ? 'a shorter cooldown would decide again on samples from before the last scaling'
      : 'Prometheus has news once a scrape (5 s), and twice a scrape sees each one soon enough';
  logger.warn(
    { event: 'floor', name, scaled: wanted, used },
    `${name} would be ${wanted.toFixed(2)} s at time scale ${timeScale}; it is ${used} s instead, since ${why}.`,
  );
}

const registry = createMetricsRegistry();
const controller = createController({
  config,
  source: createPrometheusMetricsSource({
    url: env.PROMETHEUS_URL,
    cpuPerReplica: env.AUTOSCALER_CPU_PER_REPLICA,
  }),
  actuator: createActuator(config, logger),
  metrics: createAutoscalerMetrics(registry),
  logger,
});
const stop = new AbortController();
let loop: Loop | undefined;
const server = await startMetricsServer(
  registry,
  { host: env.HOST, port: env.METRICS_PORT },
  { health: () => loop?.health() ?? { healthy: true, details: { status: 'starting' } } },
);
loop = startLoop({
  tick: (signal) => controller.tick(signal),
  intervalMs: scaled.timing.intervalSeconds * 1000,
  signal: stop.signal,
});
logger.info({ event: 'listening', metricsUrl: server.url }, 'Serving /metrics and /health.');

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    logger.info({ event: 'stop', signal }, 'Stopping after the tick in flight.');
    stop.abort();
  });
}
await loop.done;
await server.close();
logger.info({ event: 'stopped' }, 'The autoscaler stopped.');
