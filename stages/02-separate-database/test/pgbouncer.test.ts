import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conduitClient, poolerUrl, useStage2 } from './support/stage.ts';

// The kind of per-request setting row-level security policies read: whose request this transaction serves.
const setting = 'app.current_user_id';

/**
 * Runs `work` in a transaction of `client` that PgBouncer gave the server connection `pid`. A transaction gets
 * whichever server connection is free, so it retries until it lands there (at once when the pool is idle:
 * PgBouncer hands out the most recently used one first).
 */
async function onBackend<T>(client: pg.Client, pid: number, work: () => Promise<T>): Promise<T> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    await client.query('BEGIN');
    const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    if (rows[0]?.pid === pid) {
      const result = await work();
      await client.query('COMMIT');
      return result;
    }
    await client.query('COMMIT');
  }
  throw new Error(`No transaction landed on server connection ${pid}.`);
}

/**
 * The only parameters PgBouncer carries per client: it SETs them on the server connection to each client's own
 * values, so they may differ from the defaults without any client having leaked them.
 */
const trackedByPgBouncer = [
  'application_name',
  'client_encoding',
  'DateStyle',
  'TimeZone',
  'standard_conforming_strings',
];

async function settingIn(client: pg.Client): Promise<string | null> {
  const { rows } = await client.query<{ value: string | null }>('SELECT current_setting($1, true) AS value', [
    setting,
  ]);
  return rows[0]?.value ?? null;
}

async function backendPid(client: pg.Client): Promise<number> {
  const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
  return rows[0]?.pid as number;
}

describe('Stage 2: PgBouncer in transaction mode', () => {
  const stage = useStage2();
  const clients: pg.Client[] = [];
  let first: pg.Client;
  let second: pg.Client;

  beforeAll(async () => {
    [first, second] = await Promise.all([connect(), connect()]);
  });
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.end()));
  });

  async function connect(): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: poolerUrl });
    await client.connect();
    clients.push(client);
    return client;
  }

  it("When a setting is made with SET LOCAL (set_config(..., true)), then another client's next transaction on that server connection does not see it", async () => {
    await first.query('BEGIN');
    await first.query('SELECT set_config($1, $2, true)', [setting, '42']);
    const pid = await backendPid(first);
    expect(await settingIn(first)).toBe('42');
    await first.query('COMMIT');

    const seen = await onBackend(second, pid, () => settingIn(second));

    expect(seen ?? '').toBe('');
  });

  it("When a client runs a plain session-level SET, then it leaks: another client's later transaction on that server connection sees it", async () => {
    await first.query('BEGIN');
    await first.query(`SET ${setting} = '42'`);
    const pid = await backendPid(first);
    await first.query('COMMIT');

    const seen = await onBackend(second, pid, () => settingIn(second));
    await onBackend(second, pid, () => second.query(`RESET ${setting}`));

    // The hazard transaction pooling brings: the second client now acts as user 42. Hence the rule: SET LOCAL only.
    expect(seen).toBe('42');
  });

  it('When a named prepared statement is used again after its server connection went to another client, then PgBouncer 1.18 cannot find it', async () => {
    const named = { name: 'stage2-whoami', text: 'SELECT pg_backend_pid() AS pid, $1::int AS n' };
    const { rows } = await first.query<{ pid: number }>({ ...named, values: [1] });
    const pid = rows[0]?.pid as number;

    // The second client holds that server connection in an open transaction, so the statement runs elsewhere.
    await onBackend(second, pid, async () => {
      await expect(first.query({ ...named, values: [2] })).rejects.toThrow(
        'prepared statement "stage2-whoami" does not exist',
      );
    });
    await onBackend(second, pid, () => second.query('DEALLOCATE "stage2-whoami"'));
  });

  it("When many clients run pg's default unnamed parameterized statements at once, then every answer is right", async () => {
    const many = await Promise.all(Array.from({ length: 40 }, () => connect()));

    const answers = await Promise.all(
      many.map(async (client, clientIndex) => {
        const wrong: string[] = [];
        for (let round = 0; round < 25; round += 1) {
          const number = clientIndex * 1000 + round;
          const { rows } = await client.query<{ doubled: number; label: string }>(
            'SELECT $1::int * 2 AS doubled, $2::text AS label',
            [number, `client ${clientIndex}`],
          );
          if (rows[0]?.doubled !== number * 2 || rows[0]?.label !== `client ${clientIndex}`) {
            wrong.push(JSON.stringify(rows[0]));
          }
        }
        return wrong;
      }),
    );

    expect(answers.flat()).toEqual([]);
  }, 60_000);

  it('When the app has served a burst of traffic, then every server connection has its default settings, role and no prepared statements', async () => {
    const api = conduitClient(stage.apiUrl());
    const users = await Promise.all(Array.from({ length: 5 }, () => api.register()));
    const articles = await Promise.all(users.map((user) => api.publish(user.token)));
    await Promise.all(
      users.flatMap((user, index) => [
        api.follow(user.token, users[(index + 1) % users.length]?.username as string),
        api.call('POST', `/articles/${articles[index]?.slug}/favorite`, user.token),
        api.call('GET', '/articles/feed', user.token),
        api.call('GET', '/articles?limit=20', user.token),
        api.call('GET', `/articles/${articles[index]?.slug}/comments`, null),
        api.call('GET', '/tags', null),
      ]),
    );

    // default_pool_size is 20: twenty transactions open at once hold twenty distinct server connections, i.e. all.
    const inspectors = await Promise.all(Array.from({ length: 20 }, () => connect()));
    await Promise.all(inspectors.map((client) => client.query('BEGIN')));
    const backends = await Promise.all(
      inspectors.map(async (client) => {
        const { rows } = await client.query<{
          pid: number;
          changed: string[];
          role: boolean;
          prepared: string[];
        }>(
          `SELECT pg_backend_pid() AS pid,
                  array(SELECT name FROM pg_settings WHERE source = 'session' AND NOT name = ANY($1)) AS changed,
                  current_user = session_user AS role,
                  array(SELECT name FROM pg_prepared_statements) AS prepared`,
          [trackedByPgBouncer],
        );
        return rows[0];
      }),
    );
    await Promise.all(inspectors.map((client) => client.query('COMMIT')));

    expect(new Set(backends.map((backend) => backend?.pid)).size).toBe(20);
    for (const backend of backends) expect(backend).toMatchObject({ changed: [], role: true, prepared: [] });
  }, 60_000);

  it("When the app's role goes through PgBouncer, then every server connection has the role's timeouts and refuses it DDL", async () => {
    // Set on the role, not by SET: each of the pool's twenty server connections starts with them.
    const inspectors = await Promise.all(Array.from({ length: 20 }, () => connect()));
    await Promise.all(inspectors.map((client) => client.query('BEGIN')));
    const sessions = await Promise.all(
      inspectors.map(async (client) => {
        const { rows } = await client.query<Record<string, string | number>>(
          `SELECT pg_backend_pid() AS pid, current_user AS role, current_setting('is_superuser') AS superuser,
                  current_setting('statement_timeout') AS statement_timeout,
                  current_setting('idle_in_transaction_session_timeout') AS idle_in_transaction`,
        );
        return rows[0];
      }),
    );
    await Promise.all(inspectors.map((client) => client.query('COMMIT')));
    expect(new Set(sessions.map((session) => session?.pid)).size).toBe(20);
    for (const session of sessions) {
      expect(session).toMatchObject({
        role: 'conduit_app',
        superuser: 'off',
        statement_timeout: '30s',
        idle_in_transaction: '15s',
      });
    }
    await expect(first.query('CREATE TABLE intruder (id int)')).rejects.toMatchObject({ code: '42501' });
    await expect(first.query('DROP TABLE articles')).rejects.toMatchObject({ code: '42501' });
  }, 60_000);
});
