import { ShardsError } from './errors.ts';

/** Each shard draws article and comment ids from its own 2^40 range: unique across shards, exact in JSON. */
export const idRangeSize = 2 ** 40;
/** 8192 ranges of 2^40 end at 2^53, the largest integer a JSON client (a JavaScript number) holds exactly. */
export const maxShardNumber = 8191;

/** The number in a shard's name (`shard3` -> 3): it picks the shard's id range. */
export function shardNumber(name: string): number {
  const match = /^shard(\d{1,4})$/.exec(name);
  const number = match ? Number(match[1]) : Number.NaN;
  if (!(number >= 1 && number <= maxShardNumber)) {
    throw new ShardsError(
      'SHARD_INVALID_NAME',
      `"${name}" is not a shard name: name shards shard1 to shard${maxShardNumber} (the number picks their id range).`,
    );
  }
  return number;
}

/** The ids shard `name` draws: [N * 2^40, (N + 1) * 2^40). */
export function idRangeOf(name: string): { first: number; last: number } {
  const first = shardNumber(name) * idRangeSize;
  return { first, last: first + idRangeSize - 1 };
}
