import { z } from 'zod';

const ratioProblem = 'must be a ratio between 0 and 1, e.g. 0.01 to keep one trace in a hundred';

/**
 * The standard OpenTelemetry variables this package reads. Tracing is off (`none`) unless a deployment asks for
 * Zipkin: a process started without them behaves exactly as before.
 */
const tracingEnvSchema = z.object({
  OTEL_SERVICE_NAME: z.string().trim().min(1).max(100).default('conduit'),
  OTEL_TRACES_EXPORTER: z
    .enum(['zipkin', 'none'], {
      error: 'must be "zipkin" (export spans to OTEL_EXPORTER_ZIPKIN_ENDPOINT) or "none" (no tracing)',
    })
    .default('none'),
  OTEL_EXPORTER_ZIPKIN_ENDPOINT: z
    .url({ protocol: /^https?$/ })
    .default('http://127.0.0.1:9411/api/v2/spans'),
  OTEL_TRACES_SAMPLER_ARG: z.coerce
    .number({ error: ratioProblem })
    .min(0, { error: ratioProblem })
    .max(1, { error: ratioProblem })
    .default(1),
});

export type TracingConfig = z.infer<typeof tracingEnvSchema>;

/** Reads and checks the variables once, at boot; a wrong value stops the process with what to set instead. */
export function loadTracingConfig(env: NodeJS.ProcessEnv = process.env): TracingConfig {
  const blankAsUnset = Object.fromEntries(
    Object.keys(tracingEnvSchema.shape).map((name) => [name, env[name]?.trim() ? env[name] : undefined]),
  );
  const parsed = tracingEnvSchema.safeParse(blankAsUnset);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`);
    throw new Error(
      `The tracing configuration is invalid: ${problems.join('; ')}. Fix these variables and restart.`,
    );
  }
  return parsed.data;
}
