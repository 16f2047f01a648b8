import { isIP } from 'node:net';
import { type PoolOptions, poolDefaults } from '@scaling/db';
import { z } from 'zod';

/** Where an HTTP service listens; the stack runner sets both natively, compose files set them for containers. */
export const listenEnv = {
  HOST: z.string().default('0.0.0.0'),
  PORT: z.coerce.number().int().min(1).max(65535).default(8080),
};

/**
 * Where the process serves `GET /metrics` for Prometheus, on the HOST of `listenEnv`: a port apart from the API's,
 * so the API never publishes it. Every process on one host needs its own (the stack runner gives each one); 0 takes
 * any free port, for tests, and the boot log says which.
 */
export const metricsEnv = {
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9464),
};

/** The metrics endpoint of a configuration that spreads `listenEnv` (or a HOST of its own) and `metricsEnv`. */
export function metricsListen(config: { HOST: string; METRICS_PORT: number }): {
  host: string;
  port: number;
} {
  return { host: config.HOST, port: config.METRICS_PORT };
}

export const logLevelEnv = {
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
};

export const databaseUrlEnv = {
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }),
  /** Milliseconds a request waits for a connection (a new one, or a free one of the pool) before it answers 503. */
  DATABASE_CONNECT_TIMEOUT_MS: wholeNumber(1, poolDefaults.connectTimeoutMs),
  /** Milliseconds the app waits for a query's answer; keep it above the role's statement_timeout. */
  DATABASE_QUERY_TIMEOUT_MS: wholeNumber(1, poolDefaults.queryTimeoutMs),
};

/** The pool settings of a configuration that spreads `databaseUrlEnv`. */
export function databasePoolOptions(config: {
  DATABASE_URL: string;
  DATABASE_POOL_MAX: number;
  DATABASE_CONNECT_TIMEOUT_MS: number;
  DATABASE_QUERY_TIMEOUT_MS: number;
}): PoolOptions {
  return {
    connectionString: config.DATABASE_URL,
    max: config.DATABASE_POOL_MAX,
    connectTimeoutMs: config.DATABASE_CONNECT_TIMEOUT_MS,
    queryTimeoutMs: config.DATABASE_QUERY_TIMEOUT_MS,
  };
}

/** The entries of a comma-separated list, each trimmed; every one that fails `isValid` is reported with `problem`. */
function listEntries(
  value: string,
  context: z.RefinementCtx,
  isValid: (entry: string) => boolean,
  problem: (entry: string) => string,
): string[] {
  const entries = value.split(',').map((entry) => entry.trim());
  for (const entry of entries.filter((candidate) => !isValid(candidate))) {
    context.addIssue({ code: 'custom', message: problem(entry) });
  }
  return entries;
}

/** Whether `value` is exactly an origin a browser sends: scheme, host and port, no path. */
function isOrigin(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === value;
  } catch {
    return false;
  }
}

/**
 * The origins whose pages may call the API (CORS): `*` by default, since the token travels in a header that only the
 * page's own script sets (no cookie rides along), or a comma-separated list such as `http://localhost:4173`.
 */
export const corsEnv = {
  CORS_ORIGINS: z
    .string()
    .default('*')
    .transform((value, context): '*' | string[] =>
      value.trim() === '*'
        ? '*'
        : listEntries(
            value,
            context,
            isOrigin,
            (origin) =>
              `"${origin}" is not an origin: write scheme://host[:port] without a path (http://localhost:4173), separate several with commas, or set * for any origin`,
          ),
    ),
};

/** Whether `value` is an IP address or a subnet in CIDR notation (`10.0.0.0/8`, `fc00::/7`). */
function isSubnet(value: string): boolean {
  const [address = '', prefix, ...rest] = value.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  return prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 6 ? 128 : 32));
}

/** A comma-separated list of IP addresses and subnets (CIDR), such as the addresses a proxy connects from. */
export function subnetList(fallback: string) {
  return z
    .string()
    .default(fallback)
    .transform((value, context) =>
      listEntries(
        value,
        context,
        isSubnet,
        (subnet) =>
          `"${subnet}" is not an IP address or a subnet: write 10.0.0.5, 10.0.0.0/8 or fc00::/7, separated by commas`,
      ),
    );
}

/** Whether `value` is an absolute URL whose scheme (without the colon) matches `protocols`. */
function isUrlOf(value: string, protocols: RegExp): boolean {
  try {
    return protocols.test(new URL(value).protocol.replace(/:$/, ''));
  } catch {
    return false;
  }
}

/**
 * A comma-separated list of URLs whose scheme matches `protocols` (`/^postgres(ql)?$/`), each trimmed; empty (the
 * default) is an empty list, the way to switch off what the list feeds (stage 4's replicas, edge purges).
 */
export function urlList(protocols: RegExp, example: string) {
  return z
    .string()
    .default('')
    .transform((value, context) =>
      value.trim() === ''
        ? []
        : listEntries(
            value,
            context,
            (entry) => isUrlOf(entry, protocols),
            (entry) =>
              `"${entry.replace(/\/\/[^@/]*@/, '//…@')}" is not a URL of the right kind: write ${example}, separate several with commas, or leave it empty for none`,
          ),
    );
}

/** `host:port`, as Kafka clients name a bootstrap broker. */
const brokerPattern = /^[A-Za-z0-9.-]+:\d{1,5}$/;

/** The Kafka brokers a process bootstraps from (stage 6 on): `KAFKA_BROKERS=kafka:9092[,host:port...]`, required. */
export const kafkaBrokersEnv = {
  KAFKA_BROKERS: z
    .string()
    .min(1, 'needs at least one broker, such as kafka:9092')
    .transform((value) => value.split(',').map((broker) => broker.trim()))
    .refine((brokers) => brokers.every((broker) => brokerPattern.test(broker)), {
      message: 'must be host:port entries separated by commas, such as kafka:9092',
    }),
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
  if (env.NODE_ENV === 'production') refuseDemoValues(Object.keys(parsed.data as object), env);
  return parsed.data;
}

/** What the compose files' fallback secrets contain, so that they name themselves as demo values. */
const demoMarker = 'local-demo-only';

/**
 * `docker compose up` works with no set-up because the compose files fall back to demo secrets (the Redis and
 * database passwords, the idempotency secret). Those are public, so a production process refuses to start on one.
 */
function refuseDemoValues(names: string[], env: NodeJS.ProcessEnv): void {
  const demo = names.filter((name) => env[name]?.includes(demoMarker));
  if (demo.length === 0) return;
  throw new Error(
    `NODE_ENV is production, but ${demo.join(', ')} still ${demo.length === 1 ? 'holds' : 'hold'} a local demo value ` +
      `(it contains "${demoMarker}", and it is published with this repository). Set ${demo.length === 1 ? 'it' : 'them'} ` +
      'to your own values (see .env.example) and start again.',
  );
}
