import { z } from 'zod';

/** Where an HTTP service listens; the stack runner sets both natively, compose files set them for containers. */
export const listenEnv = {
  HOST: z.string().default('0.0.0.0'),
  PORT: z.coerce.number().int().min(1).max(65535).default(8080),
};

export const logLevelEnv = {
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
};

export const databaseUrlEnv = {
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }),
};

/** A whole number from the environment (where everything is a string), with a floor and a default. */
export function wholeNumber(min: number, fallback: number) {
  return z.coerce.number().int().min(min).default(fallback);
}

/** Validates the environment once at boot, so a bad setting stops the process with every problem named at once. */
export function loadEnvConfig<Schema extends z.ZodType>(
  schema: Schema,
  env: NodeJS.ProcessEnv,
): z.output<Schema> {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((issue) => `${issue.path.join('.')}: ${issue.message}`)
      .join('; ');
    throw new Error(
      `The configuration is invalid (${problems}). Set these environment variables and start again.`,
    );
  }
  return parsed.data;
}
