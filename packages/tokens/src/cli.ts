import { parseArgs } from 'node:util';
import pg from 'pg';
import { z } from 'zod';
import { rotateSigningKey } from './rotation.ts';
import { rotationOptions, tokenEnv } from './token-env.ts';

const usage = `Usage: pnpm tokens <command> [stage] [--database-url URL]
  rotate   add a signing key that signs after two key reloads of every replica, and retire the current one then;
           tokens it signed keep verifying for one access-token lifetime, so nobody is logged out
  list     the signing keys: which signs, which comes next, which only verifies until when
Without --database-url (or DATABASE_URL), it connects to stage [stage]'s Postgres (default 5) as the schema's owner
and takes the JWT_* settings of the stage's app; with one, from this environment (as inside a container).`;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    'database-url': { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});

function fail(message: string, code = 2): never {
  console.error(`${message}\n${usage}`);
  process.exit(code);
}

/** Where to connect and the app's token settings: the stage's own natively, else this process's environment. */
async function target(stage: string): Promise<{ databaseUrl: string; env: NodeJS.ProcessEnv }> {
  const databaseUrl = values['database-url'] ?? process.env.DATABASE_URL;
  if (databaseUrl) return { databaseUrl, env: process.env };
  // Loaded only here, since images carry no stack runner.
  const { loadPlan, ownerDatabaseUrl } = await import('@scaling/stack');
  const plan = loadPlan(stage);
  const app = plan.services.find((service) => service.name === 'app');
  return { databaseUrl: ownerDatabaseUrl(plan), env: { ...process.env, ...app?.env } };
}

function tokenSettings(env: NodeJS.ProcessEnv) {
  const parsed = z.object(tokenEnv).safeParse(env);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
  return fail(`The token settings are invalid (${problems}). Set them as the app has them and try again.`);
}

const when = (date: Date) => `${date.toISOString()} (${describeDelay(date.getTime() - Date.now())})`;

function describeDelay(ms: number): string {
  const seconds = Math.round(Math.abs(ms) / 1000);
  return ms >= 0 ? `in ${seconds} s` : `${seconds} s ago`;
}

async function rotate(pool: pg.Pool, env: NodeJS.ProcessEnv): Promise<void> {
  const options = rotationOptions(tokenSettings(env));
  const rotation = await rotateSigningKey(pool, options);
  console.log(`Added signing key ${rotation.kid}: it signs from ${when(rotation.signsFrom)}.`);
  if (rotation.retired) {
    console.log(
      `Key ${rotation.retired.kid} signs until then and verifies the tokens it signed until ${when(rotation.retired.verifyUntil)}.`,
    );
  } else {
    console.log('No key was current, so the new key signs at once.');
  }
  if (rotation.deleted.length > 0)
    console.log(`Deleted keys past their overlap: ${rotation.deleted.join(', ')}.`);
  console.log(
    `Every replica reloads the keys every ${options.activateAfterSeconds / 2} s and serves the new public key at /api/.well-known/jwks.json before it signs.`,
  );
}

interface KeyListing {
  kid: string;
  signs_from: Date;
  retired_at: Date | null;
  verify_until: Date | null;
}

async function list(pool: pg.Pool): Promise<void> {
  const { rows } = await pool.query<KeyListing>(
    'SELECT kid, signs_from, retired_at, verify_until FROM signing_keys ORDER BY signs_from',
  );
  if (rows.length === 0) console.log('No signing keys yet: the first replica to start creates one.');
  const now = new Date();
  for (const key of rows) {
    const state =
      key.signs_from > now
        ? `next, signs from ${when(key.signs_from)}`
        : key.retired_at === null || key.retired_at > now
          ? `signing${key.retired_at ? ` until ${when(key.retired_at)}` : ''}`
          : `retired, verifies until ${key.verify_until ? when(key.verify_until) : 'it is deleted'}`;
    console.log(`${key.kid}  ${state}`);
  }
}

if (values.help) {
  console.log(usage);
  process.exit(0);
}
const [command, stage = '5'] = positionals;
if (command !== 'rotate' && command !== 'list')
  fail(command ? `Unknown command "${command}".` : 'Say what to do.');
const { databaseUrl, env } = await target(stage);
const pool = new pg.Pool({ connectionString: databaseUrl, max: 1, connectionTimeoutMillis: 5_000 });
try {
  await (command === 'rotate' ? rotate(pool, env) : list(pool));
} catch (error) {
  const code = (error as { code?: string }).code;
  if (code === 'ECONNREFUSED') {
    console.error(
      `Nothing accepts connections at ${new URL(databaseUrl).host}. Start the stage first ('pnpm stack up ${stage}') or pass --database-url.`,
    );
    process.exitCode = 1;
  } else if (code?.startsWith('TOKENS_') || code === '42P01') {
    console.error((error as Error).message);
    process.exitCode = 1;
  } else {
    throw error;
  }
} finally {
  await pool.end();
}
