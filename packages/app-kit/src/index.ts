// The app's wiring lives with the API, so the API's own tests build it the same way the stages do.
export {
  buildConduitApp,
  type ConduitAppOptions,
  defaultServerTimeouts,
  type ServerTimeouts,
  timeoutOptions,
} from '@scaling/conduit';
export { createMetricsRegistry, type MetricsOptions, type Registry } from '@scaling/metrics';
export { apiEnv } from './api-env.ts';
export { credentialLimits } from './credential-throttle-env.ts';
export { createDrainSwitch, type DrainableServer, type DrainSwitch, drainAndClose } from './drain.ts';
export {
  corsEnv,
  databasePoolOptions,
  databaseUrlEnv,
  kafkaBrokersEnv,
  listenEnv,
  loadEnvConfig,
  logLevelEnv,
  metricsEnv,
  metricsListen,
  subnetList,
  urlList,
  wholeNumber,
} from './env-config.ts';
export { closeGracefully, type ShutdownLogger } from './graceful.ts';
export {
  type ReplicaConfig,
  redisSessions,
  replicaApiOptions,
  replicaEnv,
  replicaServerOptions,
} from './replica.ts';
export { loadWorkerConfig, runWorkerProcess, type WorkerConfig } from './worker-process.ts';
