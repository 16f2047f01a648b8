import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { CacheEntry, CacheStore } from './cache-store.ts';
import { runScript, type Script, script } from './redis-script.ts';

/**
 * LSNs compared as positions, never as text ('9/0' comes before '10/0'): each half of 'X/Y' is at most 32 bits,
 * exact in Lua's doubles. Anything beats a value that is not an LSN.
 */
const laterLsn = `
local function position(lsn)
  local high, low = string.match(lsn or '', '^(%x+)/(%x+)$')
  if not high then return nil end
  return tonumber(high, 16), tonumber(low, 16)
end
local function later(a, b)
  local aHigh, aLow = position(a)
  local bHigh, bLow = position(b)
  if not bHigh then return true end
  return aHigh > bHigh or (aHigh == bHigh and aLow > bLow)
end
`;

/** The entry and its remaining lifetime in one round trip. */
const getScript = script(`
local entry = redis.call('GET', KEYS[1])
if not entry then return false end
return {entry, redis.call('PTTL', KEYS[1])}
`);

/**
 * Stores ARGV[2] only if the key still holds what the reader saw: nothing (ARGV[1] empty), or an entry starting
 * with ARGV[1] (the same tombstone, or the same fill of a value). Otherwise a write invalidated the key while the
 * value was being loaded, and the value may predate that write.
 */
const fillScript = script(`
local current = redis.call('GET', KEYS[1])
local seen = ARGV[1]
if seen == '' then
  if current then return 0 end
elseif not current or string.sub(current, 1, #seen) ~= seen then
  return 0
end
redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3])
return 1
`);

/** Each key becomes a tombstone of ARGV[1], unless it already is one of a later commit (writes finish out of order). */
const tombstoneScript = script(`${laterLsn}
for _, key in ipairs(KEYS) do
  local current = redis.call('GET', key) or ''
  local previous = string.match(current, '^t|([^|]+)|$')
  if not previous or later(ARGV[1], previous) then
    redis.call('SET', key, 't|' .. ARGV[1] .. '|', 'EX', ARGV[2])
  end
end
return 1
`);

/** Each scope's version moves up to ARGV[1], never down. Versions have no TTL: a list key is only valid with them. */
const raiseVersionsScript = script(`${laterLsn}
for _, key in ipairs(KEYS) do
  local current = redis.call('GET', key)
  if not current or later(ARGV[1], current) then redis.call('SET', key, ARGV[1]) end
end
return 1
`);

/**
 * Entries are strings: a value is `v|<fill id>|<lsn>|<json>` (the fill id tells one fill from the next, so a
 * refresh replaces only the value it saw), a tombstone is `t|<lsn>|`. The fill id and the tombstone are what
 * `fill` compares against.
 */
const valuePattern = /^v\|([^|]+)\|([^|]*)\|/;

function decode(reply: [string, number] | null): CacheEntry {
  if (reply === null) return { state: 'absent' };
  const [entry, remainingMs] = reply;
  const tombstone = /^t\|([^|]+)\|$/.exec(entry);
  if (tombstone?.[1]) return { state: 'tombstone', lsn: tombstone[1] };
  const value = valuePattern.exec(entry);
  if (!value) return { state: 'absent' };
  return {
    state: 'value',
    value: entry.slice(value[0].length),
    remainingMs: Number(remainingMs),
    lsn: value[2] || null,
    witness: `v|${value[1]}|`,
  };
}

function witnessOf(seen: CacheEntry): string {
  if (seen.state === 'absent') return '';
  if (seen.state === 'tombstone') return `t|${seen.lsn}|`;
  return seen.witness;
}

export interface RedisCacheStoreOptions {
  /** Prepended to every key, so the cache's keys are recognisable (and a test's are its own). */
  prefix?: string;
}

/** The cache store in a Redis of its own (no persistence, an eviction policy): every operation is one round trip. */
export function createRedisCacheStore(redis: Redis, options: RedisCacheStoreOptions = {}): CacheStore {
  const prefix = options.prefix ?? 'cache:';
  const entryKey = (key: string) => `${prefix}entry:${key}`;
  const versionKey = (scope: string) => `${prefix}version:${scope}`;
  const run = (code: Script, keys: string[], args: (string | number)[] = []) =>
    runScript(redis, code, keys, args);

  return {
    async get(key) {
      return decode((await run(getScript, [entryKey(key)])) as [string, number] | null);
    },
    async fill(key, seen, { value, lsn, ttlSeconds }) {
      const entry = `v|${randomBytes(6).toString('base64url')}|${lsn ?? ''}|${value}`;
      return (await run(fillScript, [entryKey(key)], [witnessOf(seen), entry, ttlSeconds])) === 1;
    },
    async tombstone(keys, lsn, ttlSeconds) {
      if (keys.length === 0) return;
      await run(tombstoneScript, keys.map(entryKey), [lsn, ttlSeconds]);
    },
    async raiseVersions(scopes, lsn) {
      if (scopes.length === 0) return;
      await run(raiseVersionsScript, scopes.map(versionKey), [lsn]);
    },
    async versions(scopes) {
      if (scopes.length === 0) return [];
      return redis.mget(scopes.map(versionKey));
    },
  };
}
