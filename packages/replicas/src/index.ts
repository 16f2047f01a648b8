export {
  type ReplicaSetLogger,
  type ReplicaSetOptions,
  type RunningReplicaSet,
  startReplicaSet,
} from './pg-replica-set.ts';
export { createWriteLsnStore } from './redis-write-lsn-store.ts';
export type { ReadReason, ReplicaSet, ReplicaStatus } from './replica-set.ts';
export { type ReplicasPluginOptions, replicasPlugin } from './replicas-plugin.ts';
export type { WriteLsnStore } from './write-lsn-store.ts';
