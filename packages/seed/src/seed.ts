import pg from 'pg';
import { copyTable, type TableProgress } from './copy.ts';
import { seedPasswordHash } from './password.ts';
import { makePlan, seedEmailDomain } from './plan.ts';
import { type IdOffsets, tableLoads } from './tables.ts';

export interface SeedOptions {
  databaseUrl: string;
  scale: number;
  seed?: number;
  /** Empties the Conduit tables first; without it, a database that already holds seed data is refused. */
  reset?: boolean;
  onProgress?: (progress: TableProgress) => void;
}

export interface SeedSummary {
  scale: number;
  seed: number;
  rows: Record<string, number>;
  durationMs: number;
}

export const defaultSeed = 1;

const conduitTables = ['comments', 'favorites', 'article_tags', 'follows', 'articles', 'tags', 'users'];

export class SeedDataPresentError extends Error {
  override name = 'SeedDataPresentError';
}

/** Generates the dataset for (seed, scale) and bulk-loads it with COPY, all in one transaction. */
export async function seed(options: SeedOptions): Promise<SeedSummary> {
  const startedAt = performance.now();
  const seedNumber = options.seed ?? defaultSeed;
  const plan = makePlan(seedNumber, options.scale);
  const passwordHash = await seedPasswordHash();
  const client = new pg.Client({ connectionString: options.databaseUrl });
  await client.connect();
  const rows: Record<string, number> = {};
  try {
    await client.query('BEGIN');
    // Two seeds at once would both see an empty database; the lock makes the second one wait and then refuse.
    await client.query(`LOCK TABLE ${conduitTables.join(', ')} IN SHARE ROW EXCLUSIVE MODE`);
    if (options.reset) {
      await client.query(`TRUNCATE ${conduitTables.join(', ')} RESTART IDENTITY CASCADE`);
    } else if (await holdsSeedData(client)) {
      throw new SeedDataPresentError(
        'This database already holds seed data. Run the seed with --reset (reset: true) to empty the Conduit tables and load it again.',
      );
    }
    const offsets = await idOffsets(client);
    for (const load of tableLoads(plan, offsets, passwordHash)) {
      rows[load.table] = await copyTable(client, load, options.onProgress ?? (() => {}));
    }
    for (const table of ['users', 'articles', 'tags', 'comments']) {
      await client.query(
        `SELECT setval(pg_get_serial_sequence($1, 'id'), (SELECT coalesce(max(id), 0) + 1 FROM ${table}), false)`,
        [table],
      );
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    await client.end();
    throw error;
  }
  try {
    // Fresh statistics, or the first benchmark runs against plans made for empty tables.
    await client.query(`ANALYZE ${conduitTables.join(', ')}`);
  } finally {
    await client.end();
  }
  return { scale: options.scale, seed: seedNumber, rows, durationMs: performance.now() - startedAt };
}

async function holdsSeedData(client: pg.Client): Promise<boolean> {
  const { rows } = await client.query<{ seeded: boolean }>(
    'SELECT EXISTS (SELECT 1 FROM users WHERE email LIKE $1) AS seeded',
    [`%@${seedEmailDomain}`],
  );
  return rows[0]?.seeded === true;
}

async function idOffsets(client: pg.Client): Promise<IdOffsets> {
  const maxId = async (table: string) => {
    const { rows } = await client.query<{ max: string }>(`SELECT coalesce(max(id), 0) AS max FROM ${table}`);
    return Number(rows[0]?.max ?? 0);
  };
  const tags = await client.query<{ id: string; name: string }>('SELECT id, name FROM tags');
  return {
    users: await maxId('users'),
    articles: await maxId('articles'),
    tags: await maxId('tags'),
    existingTags: new Map(tags.rows.map((row) => [row.name, Number(row.id)])),
  };
}
