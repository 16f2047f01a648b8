export { traceLogFields } from './log-fields.ts';
export { startTracing, type Tracing } from './start-tracing.ts';
export { loadTracingConfig, type TracingConfig } from './tracing-config.ts';
