export { apiOrigin, appDatabaseUrl, ownerDatabaseUrl } from './addresses.ts';
export { waitUntilBalancedTo } from './balancer.ts';
export { cgroupSupport, enforcedLimits } from './cgroups.ts';
export { type ComposeFile, type ComposeService, loadCompose, parseCompose } from './compose.ts';
export { mergeCompose } from './compose-merge.ts';
export {
  type KillOptions,
  parseSignal,
  type RestartOptions,
  type ServiceControlOptions,
  stackKill,
  stackRestart,
  stackServiceStatus,
  stackStartService,
  stackStopService,
  stackWaitReady,
} from './control.ts';
export { type DownOptions, stackDown } from './down.ts';
export { composeEnvironment, nativeEnvironment, rewriteAddresses } from './environment.ts';
export { interpolate } from './interpolate.ts';
export {
  brokerAnswers,
  brokerArgv,
  kafkaInstallHint,
  kafkaLibs,
  kafkaVersion,
  log4jProperties,
  propertiesFromEnvironment,
  renderProperties,
} from './kafka-broker.ts';
export { serviceKinds } from './kinds/index.ts';
export {
  httpPortFromEnvironment,
  type LoadedPlan,
  loadPlan,
  loadStageCompose,
  parseCpusets,
  parseScale,
  type RunSettings,
  type StackOptions,
  type StageInput,
} from './load.ts';
export { type LogsOptions, stackLogs } from './logs.ts';
export { defaultHttpPort, type PlanOptions, planStack, type StackPlan } from './plan.ts';
export { type PortMapping, parsePorts } from './ports.ts';
export {
  ensureDatabase,
  initCluster,
  type PostgresCluster,
  postgresCommand,
  superuserUrl,
  waitForPostgres,
} from './postgres.ts';
export { unprivilegedUser } from './privileges.ts';
export { describeLimits, parseBytes, type ResourceLimits, resourceLimitsOf } from './resources.ts';
export {
  parseRestartPolicy,
  type RestartCondition,
  type RestartPolicy,
  restartDelayMs,
  shouldRestart,
} from './restart-policy.ts';
export { type ScaleOptions, stackScale } from './scale.ts';
export { validateComposeDocument, validateComposeText } from './schema.ts';
export { repoRoot, resolveStage, type StageRef } from './stage.ts';
export { baseBackup, holdsStandby, type PrimarySource } from './standby.ts';
export { logFile } from './state.ts';
export { sharedStateRoot, stageStateDir, traversableBy } from './state-dir.ts';
export { type StackStatus, stackStatus } from './status.ts';
export type { PlannedInstance, PlannedService, ReadinessProbe, ServiceKind } from './types.ts';
export { stackUp, type UpOptions, type UpResult } from './up.ts';
