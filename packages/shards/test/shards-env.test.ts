import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { shardsEnv } from '../src/index.ts';

const parse = (env: Record<string, string>) => z.object(shardsEnv).safeParse(env);

describe('the shards environment', () => {
  it('When SHARD_URLS names every shard, then it becomes named URLs and the other settings take their defaults', () => {
    const parsed = parse({
      SHARD_URLS:
        'shard1=postgres://app:pw@pgbouncer-shard1:6432/conduit, shard4=postgres://app:pw@pgbouncer-shard4:6432/conduit',
    });

    expect(parsed.data).toEqual({
      SHARD_URLS: [
        { name: 'shard1', url: 'postgres://app:pw@pgbouncer-shard1:6432/conduit' },
        { name: 'shard4', url: 'postgres://app:pw@pgbouncer-shard4:6432/conduit' },
      ],
      SHARD_VIRTUAL_NODES: 128,
      SHARD_ROUTING_REFRESH_MS: 1000,
      SHARD_POOL_MAX: 10,
    });
  });

  it('When an entry is malformed, a name repeats or none is given, then it is refused without echoing a password', () => {
    for (const [value, message] of [
      ['postgres://app:secret-pw@shard1:5432/conduit', 'entry 1 is not name=postgres://'],
      ['shard1=postgres://a@h/c,shard1=postgres://b@h/c', 'names shard1 twice'],
      ['primary=postgres://app:secret-pw@h/c', 'is not a shard name'],
      ['', 'SHARD_URLS is empty'],
    ] as const) {
      const parsed = parse({ SHARD_URLS: value });

      expect(parsed.success).toBe(false);
      expect(parsed.error?.message).toContain(message);
      expect(parsed.error?.message).not.toContain('secret-pw');
    }
  });
});
