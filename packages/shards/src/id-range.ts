import type pg from 'pg';

/** The tables whose ids leave the shard (in API answers, events, and moves to another shard). */
const rangedTables = ['articles', 'comments'] as const;

/**
 * Makes the shard's article and comment ids come from its own range. Runs after the migrations, since the range
 * depends on the shard's name; a sequence already in its range is left where it is, so reruns change nothing.
 */
export async function ensureIdRange(
  client: pg.ClientBase,
  { first, last }: { first: number; last: number },
): Promise<void> {
  for (const table of rangedTables) {
    const { rows } = await client.query<{ sequence: string; min: string }>(
      `SELECT s.seqrelid::regclass::text AS sequence, s.seqmin::text AS min
         FROM pg_sequence s WHERE s.seqrelid = pg_get_serial_sequence($1, 'id')::regclass`,
      [table],
    );
    const sequence = rows[0];
    if (!sequence || Number(sequence.min) === first) continue;
    await client.query(
      `ALTER SEQUENCE ${sequence.sequence} MINVALUE ${first} MAXVALUE ${last} START WITH ${first} RESTART WITH ${first}`,
    );
  }
}
