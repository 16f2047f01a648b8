import { createHashRing, type HashRing } from '@scaling/ring';
import type pg from 'pg';
import { ShardsError } from './errors.ts';

/** Which shard holds an author's rows, as the global database says it at the last refresh. */
export interface ShardRouter {
  /** An author moved by resharding ('moved' in author_moves) is on their new shard; any other where the ring says. */
  shardOf(authorId: number): string;
  /** Every shard in the ring, active or joining: where a read that crosses shards asks. */
  members(): readonly string[];
  /** Reads shard_ring and author_moves again (every SHARD_ROUTING_REFRESH_MS in an app). */
  refresh(): Promise<void>;
}

/** A shard in the global `shard_ring`: `active` ones place authors, a `joining` one is being filled by resharding. */
export interface RingMember {
  name: string;
  state: 'active' | 'joining';
}

/** The ring's members as routers read them, by name: what a resharding plans from too. */
export async function readShardRing(global: pg.Pool): Promise<RingMember[]> {
  const { rows } = await global.query<RingMember>('SELECT name, state FROM shard_ring ORDER BY name');
  return rows;
}

interface Routing {
  ring: HashRing | undefined;
  members: readonly string[];
  moved: ReadonlyMap<number, string>;
}

/**
 * A router over the global database's `shard_ring` (its active members make the ring) and `author_moves` (a moved
 * author's new shard overrides the ring until that shard joins it). Empty until the first `refresh`.
 */
export function createShardRouter(global: pg.Pool, options: { virtualNodes: number }): ShardRouter {
  let routing: Routing = { ring: undefined, members: [], moved: new Map() };
  return {
    shardOf(authorId) {
      const moved = routing.moved.get(authorId);
      if (moved !== undefined) return moved;
      if (!routing.ring) {
        throw new ShardsError(
          'SHARD_RING_EMPTY',
          'No active shard is known yet: run the shards migration (it seeds shard_ring) and check that the global database answers.',
        );
      }
      return routing.ring.nodeFor(String(authorId));
    },
    members: () => routing.members,
    async refresh() {
      const [ring, moves] = await Promise.all([
        readShardRing(global),
        global.query<{ author_id: string; to_shard: string }>(
          `SELECT author_id::text, to_shard FROM author_moves WHERE state = 'moved'`,
        ),
      ]);
      const active = ring.filter((row) => row.state === 'active').map((row) => row.name);
      routing = {
        ring:
          active.length === 0
            ? undefined
            : createHashRing({ nodes: active, virtualNodes: options.virtualNodes }),
        members: ring.map((row) => row.name),
        moved: new Map(moves.rows.map((row) => [Number(row.author_id), row.to_shard])),
      };
    },
  };
}
