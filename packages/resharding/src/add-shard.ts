import { setTimeout as sleep } from 'node:timers/promises';
import { createHashRing, defaultVirtualNodes, type KeysMoved, keysMoved } from '@scaling/ring';
import { departedTo, readShardRing } from '@scaling/shards';
import type pg from 'pg';
import { cleanUpMoved } from './clean-up.ts';
import { ReshardingError } from './errors.ts';
import { type AuthorMove, type MovedAuthor, moveAuthor, undoMove } from './move-author.ts';
import { authorsOnShards, planMoves } from './plan.ts';
import { poolOf, type ShardPools } from './shard-pools.ts';

export interface AddShardOptions {
  global: pg.Pool;
  /** A pool for every active shard and the new one (direct, as the schema's owner). */
  shards: ShardPools;
  /** The shard that joins, already migrated: e.g. shard4. */
  add: string;
  /** The apps' SHARD_VIRTUAL_NODES: the plan must place authors as their routers will. */
  virtualNodes?: number;
  /** The apps' SHARD_ROUTING_REFRESH_MS: old copies are deleted only after every router has refreshed twice. */
  routingRefreshMs?: number;
  lockTimeoutMs?: number;
  progress?: (line: string) => void;
  /** How often a progress line is printed while authors move (default every second). */
  progressEveryMs?: number;
}

export interface AddShardReport {
  added: string;
  /** The active shards before. */
  before: string[];
  /** Authors (keys) and their rows that the ring gives the new shard, out of all. */
  authors: KeysMoved;
  rows: KeysMoved;
  moved: number;
  rowsMoved: number;
  /** The longest time one author's writes waited, and the 95th percentile over the moved authors. */
  longestPauseMs: number;
  p95PauseMs: number;
  cleanedRows: number;
  durationMs: number;
}

/**
 * Adds a shard to the ring under load: it joins as `joining` (routers ignore it), the authors the bigger ring gives
 * it move one at a time (each pausing only their own writes), it becomes `active`, and once every router has
 * refreshed twice the old copies are deleted. Safe to run again after a crash: interrupted moves are finished or
 * undone first.
 */
export async function addShard(options: AddShardOptions): Promise<AddShardReport> {
  const { global, shards, add, progress = () => {} } = options;
  const virtualNodes = options.virtualNodes ?? defaultVirtualNodes;
  const refreshMs = options.routingRefreshMs ?? 1000;
  const started = Date.now();
  const ring = await readShardRing(global);
  const member = ring.find((node) => node.name === add);
  if (member?.state === 'active') {
    throw new ReshardingError(
      'RESHARD_SHARD_ACTIVE',
      `${add} is already an active shard: nothing to add. Choose a shard that is not in shard_ring yet.`,
    );
  }
  const before = ring.filter((node) => node.state === 'active').map((node) => node.name);
  if (before.length === 0) {
    throw new ReshardingError(
      'RESHARD_RING_EMPTY',
      'shard_ring has no active shard: migrate the stage first (its migrate service seeds the ring).',
    );
  }
  if (!member) await global.query(`INSERT INTO shard_ring (name, state) VALUES ($1, 'joining')`, [add]);
  progress(`${add} joins the ring of ${before.join(', ')} as joining (routers ignore it until it is active)`);
  await finishInterruptedMoves(options);

  const oldRing = createHashRing({ nodes: before, virtualNodes });
  const newRing = oldRing.with(add);
  const authors = await authorsOnShards(shards, before);
  const measured = {
    authors: keysMoved(
      authors.map((author) => ({ key: String(author.authorId) })),
      oldRing,
      newRing,
    ),
    rows: keysMoved(
      authors.map((author) => ({ key: String(author.authorId), weight: author.rows })),
      oldRing,
      newRing,
    ),
  };
  progress(
    `the ring gives ${add} ${measured.authors.moved} of ${measured.authors.total} authors ` +
      `(${percent(measured.authors.fraction)}), ${measured.rows.moved} of ${measured.rows.total} rows (${percent(measured.rows.fraction)})`,
  );
  const mover = new Mover(options);
  await mover.moveAll(planMoves(authors, newRing, add), 'moving');
  // Authors who wrote their first article on an old shard while the others moved.
  await mover.moveAll(planMoves(await authorsOnShards(shards, before), newRing, add), 'late authors');
  await global.query(`UPDATE shard_ring SET state = 'active' WHERE name = $1`, [add]);
  progress(`${add} is active; waiting ${2 * refreshMs + 500} ms for every router to refresh twice...`);
  await sleep(2 * refreshMs + 500);
  // A first article written between the last pass and the routers' refresh.
  await mover.moveAll(planMoves(await authorsOnShards(shards, before), newRing, add), 'last authors');
  const cleaned = await cleanUpMoved({ global, shards, from: before, to: add, progress });
  const report: AddShardReport = {
    added: add,
    before,
    ...measured,
    moved: mover.moved.length,
    rowsMoved: mover.moved.reduce((sum, move) => sum + move.rows, 0),
    longestPauseMs: mover.longestPauseMs(),
    p95PauseMs: mover.p95PauseMs(),
    cleanedRows: cleaned.rows,
    durationMs: Date.now() - started,
  };
  progress(
    `done in ${report.durationMs} ms: ${report.moved} authors (${report.rowsMoved} rows) moved to ${add}, ` +
      `longest write pause ${report.longestPauseMs.toFixed(1)} ms (p95 ${report.p95PauseMs.toFixed(1)} ms), ` +
      `${report.cleanedRows} old rows deleted`,
  );
  return report;
}

/** A move a crash interrupted: finished if the old shard committed its departure, undone otherwise. */
async function finishInterruptedMoves(options: AddShardOptions): Promise<void> {
  const { global, shards, add, progress = () => {} } = options;
  const { rows } = await global.query<{ author_id: string; from_shard: string }>(
    `SELECT author_id, from_shard FROM author_moves WHERE to_shard = $1 AND state = 'moving'`,
    [add],
  );
  for (const row of rows) {
    const move = { authorId: Number(row.author_id), from: row.from_shard, to: add };
    // Without the old shard's answer nothing is undone: if it committed the departure, the copy is the only one.
    if ((await departedTo(poolOf(shards, move.from), move.authorId)) !== null) {
      await global.query(`UPDATE author_moves SET state = 'moved', moved_at = now() WHERE author_id = $1`, [
        move.authorId,
      ]);
    } else {
      await undoMove({ global, shards }, move);
    }
  }
  if (rows.length > 0) progress(`finished or undid ${rows.length} move(s) an earlier run left half done`);
}

/** Moves authors one at a time, printing progress, and keeps every move's pause for the report. */
class Mover {
  readonly moved: MovedAuthor[] = [];
  readonly #options: AddShardOptions;

  constructor(options: AddShardOptions) {
    this.#options = options;
  }

  async moveAll(moves: readonly AuthorMove[], what: string): Promise<void> {
    const { progress = () => {}, progressEveryMs = 1000 } = this.#options;
    if (moves.length === 0) return;
    let lastLine = Date.now();
    let rows = 0;
    for (const [index, move] of moves.entries()) {
      // One at a time: each move holds one author's lock, and the shards keep serving everyone else meanwhile.
      const moved = await moveAuthor(this.#options, move);
      this.moved.push(moved);
      rows += moved.rows;
      if (Date.now() - lastLine >= progressEveryMs || index === moves.length - 1) {
        lastLine = Date.now();
        progress(
          `${what}: ${index + 1}/${moves.length} authors (${rows} rows) on ${move.to}, longest pause ${this.longestPauseMs().toFixed(1)} ms`,
        );
      }
    }
  }

  longestPauseMs(): number {
    return Math.max(0, ...this.moved.map((move) => move.pauseMs));
  }

  p95PauseMs(): number {
    const sorted = this.moved.map((move) => move.pauseMs).sort((a, b) => a - b);
    return sorted[Math.max(0, Math.ceil(sorted.length * 0.95) - 1)] ?? 0;
  }
}

function percent(fraction: number): string {
  return `${(fraction * 100).toFixed(1)}%`;
}
