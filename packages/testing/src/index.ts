export { postArticle, registerUser } from './api-client.ts';
export {
  type ChildPrometheus,
  type ChildPrometheusTarget,
  freePort,
  startChildPrometheus,
} from './child-prometheus.ts';
export { eventually } from './eventually.ts';
export {
  type ArticleInput,
  buildArticle,
  buildComment,
  buildUser,
  type CommentInput,
  type UserInput,
  uniqueSuffix,
} from './factories.ts';
export { startTestKafka, type TestKafka } from './kafka-server.ts';
export { type NativeStageOptions, useNativeStage } from './native-stage.ts';
export { runCli, type StartedScript, startScript } from './node-scripts.ts';
export { expectOfficialSuitePasses } from './official-suite.ts';
export { createOwnDatabase, type OwnDatabase } from './own-database.ts';
export { type Standby, type StandbyOptions, startStandby } from './postgres-standby.ts';
export {
  type ChildRedis,
  type PrivateRedis,
  type RedisAddress,
  redisServerBinary,
  startChildRedis,
  startPrivateRedis,
} from './redis-server.ts';
export {
  expectFuzzingFindsNothing,
  type FuzzOptions,
  requireSchemathesis,
  schemathesisBinary,
} from './schemathesis.ts';
export { descendsFrom } from './span-ancestry.ts';
export { type PrometheusTarget, stagePrometheus } from './stage-prometheus.ts';
export { testAppEnvironment } from './test-app-environment.ts';
export {
  type Answer,
  ask,
  asUser,
  type PublishedArticle,
  publish,
  underLoad,
} from './through-the-edge.ts';
