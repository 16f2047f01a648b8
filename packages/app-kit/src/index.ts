export { buildConduitApp, type ConduitAppOptions } from './conduit-app.ts';
export { databaseUrlEnv, listenEnv, loadEnvConfig, logLevelEnv, wholeNumber } from './env-config.ts';
export { closeGracefully, type ShutdownLogger } from './graceful.ts';
export { loadWorkerConfig, runWorkerProcess, type WorkerConfig } from './worker-process.ts';
