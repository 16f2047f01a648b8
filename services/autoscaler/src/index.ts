export { type AutoscalerConfig, loadConfig } from './config.ts';
export {
  type Decision,
  type DecisionReason,
  decideReplicas,
  decideWorkers,
  initialState,
  type ReplicaObservation,
  type ReplicaPolicy,
  type ReplicaSample,
  recordScaling,
  type ScalingState,
  type WorkerObservation,
  type WorkerPolicy,
} from './policy.ts';
export { minimumWindowSeconds, scaleTiming, type Timing } from './timing.ts';
