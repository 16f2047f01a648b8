import { loadPlan, type StageInput, stackStatus, superuserUrl } from '@scaling/stack';
import pg from 'pg';
import type { ExpectedNotification } from './write-workload.ts';

// After a run on stage 6, what the bench compares: the events the writes put in the outboxes (global database and
// every shard) against the events a consumer recorded as processed, and the notifications the writes owed against
// those the notifications service holds. Read as each server's superuser on its native port.

/** The database that holds the notifications service's own data. */
export const notificationsDatabase = 'notifications-db';
/** The consumer group (and the `consumer` of processed_events) of the notifications service. */
export const notificationsGroup = 'notifications';

interface Server {
  name: string;
  url: string;
}

/** Every running Postgres server of the stage but the notifications service's: where outboxes live. */
export async function eventSources(stage: StageInput): Promise<Server[]> {
  const running = new Set(
    (await stackStatus(stage)).filter((row) => row.pid !== null).map((row) => row.instance),
  );
  return postgresServers(stage).filter(
    (server) => server.name !== notificationsDatabase && running.has(server.name),
  );
}

export function notificationsDatabaseUrl(stage: StageInput): string {
  const server = postgresServers(stage).find((candidate) => candidate.name === notificationsDatabase);
  if (!server)
    throw new Error(`The stage has no "${notificationsDatabase}" service to read notifications from.`);
  return server.url;
}

function postgresServers(stage: StageInput): Server[] {
  return loadPlan(stage).services.flatMap((service) =>
    service.postgres && service.kind === 'postgres'
      ? [{ name: service.name, url: superuserUrl(service.postgres, service.postgres.database) }]
      : [],
  );
}

async function withClient<Result>(
  url: string,
  work: (client: pg.Client) => Promise<Result>,
): Promise<Result> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Event ids written to the outboxes since `since`, and how many of them are still unpublished, per server. */
export async function outboxEvents(
  sources: Server[],
  since: Date,
): Promise<{ ids: Set<string>; unpublished: number; bySource: Record<string, number> }> {
  const ids = new Set<string>();
  const bySource: Record<string, number> = {};
  let unpublished = 0;
  for (const source of sources) {
    await withClient(source.url, async (client) => {
      const exists = await client.query<{ found: string | null }>(
        `SELECT to_regclass('outbox')::text AS found`,
      );
      if (!exists.rows[0]?.found) return;
      const rows = await client.query<{ event_id: string; published: boolean }>(
        'SELECT event_id::text, published_at IS NOT NULL AS published FROM outbox WHERE created_at >= $1',
        [since],
      );
      bySource[source.name] = rows.rows.length;
      for (const row of rows.rows) {
        ids.add(row.event_id);
        if (!row.published) unpublished++;
      }
    });
  }
  return { ids, unpublished, bySource };
}

/** Event ids a consumer recorded as processed since `since` (one row per event: the key makes a second impossible). */
export async function processedEvents(url: string, consumer: string, since: Date): Promise<Set<string>> {
  return withClient(url, async (client) => {
    const rows = await client.query<{ event_id: string }>(
      'SELECT event_id::text FROM processed_events WHERE consumer = $1 AND processed_at >= $2',
      [consumer, since],
    );
    return new Set(rows.rows.map((row) => row.event_id));
  });
}

export interface EventComparison {
  events: number;
  processed: number;
  /** Published events the consumer never recorded. */
  lost: number;
  /** Recorded events that no outbox holds (none expected). */
  unknown: number;
}

export function compareEvents(events: Set<string>, processed: Set<string>): EventComparison {
  let lost = 0;
  for (const id of events) if (!processed.has(id)) lost++;
  let unknown = 0;
  for (const id of processed) if (!events.has(id)) unknown++;
  return { events: events.size, processed: processed.size, lost, unknown };
}

/** The notifications of the run's users, counted by recipient, actor and article title. */
export async function notificationCounts(url: string, usernamePrefix: string): Promise<Map<string, number>> {
  return withClient(url, async (client) => {
    const rows = await client.query<{
      recipient: string;
      actor: string;
      title: string | null;
      count: string;
    }>(
      `SELECT recipient.username AS recipient, actor.username AS actor, n.title, count(*) AS count
         FROM notifications n
         JOIN people recipient ON recipient.id = n.recipient_id
         JOIN people actor ON actor.id = n.actor_id
        WHERE recipient.username LIKE $1
        GROUP BY 1, 2, 3`,
      [`${usernamePrefix}%`],
    );
    return new Map(rows.rows.map((row) => [notificationKey(row), Number(row.count)]));
  });
}

export interface NotificationAudit {
  /** Owed by writes that succeeded. */
  expected: number;
  found: number;
  /** Owed and not there. */
  missing: number;
  /** Which ones, at most `missingKeysShown` of them: who should have been told, by whom, of which article. */
  missingKeys: ExpectedNotification[];
  /** There more often than owed, beyond what unanswered writes may have caused. */
  duplicates: number;
  /** There for writes that got no answer (done after all), or owed to nobody the run knows. */
  fromUnansweredWrites: number;
  unexpected: number;
}

/** Enough missing notifications to tell one cause from another, few enough for a report's line. */
export const missingKeysShown = 10;

/** Compares, key by key, the notifications owed with those found: each key's count, so a double shows. */
export function auditNotifications(
  owed: { confirmed: ExpectedNotification[]; unsure: ExpectedNotification[] },
  found: Map<string, number>,
): NotificationAudit {
  const confirmed = countKeys(owed.confirmed);
  const unsure = countKeys(owed.unsure);
  const audit: NotificationAudit = {
    expected: owed.confirmed.length,
    found: [...found.values()].reduce((sum, count) => sum + count, 0),
    missing: 0,
    missingKeys: [],
    duplicates: 0,
    fromUnansweredWrites: 0,
    unexpected: 0,
  };
  for (const [key, count] of confirmed) {
    const missing = Math.max(0, count - (found.get(key) ?? 0));
    audit.missing += missing;
    if (missing > 0 && audit.missingKeys.length < missingKeysShown) audit.missingKeys.push(fromKey(key));
  }
  for (const [key, count] of found) {
    const surplus = count - (confirmed.get(key) ?? 0);
    if (surplus <= 0) continue;
    const explained = Math.min(surplus, unsure.get(key) ?? 0);
    audit.fromUnansweredWrites += explained;
    if (confirmed.has(key)) audit.duplicates += surplus - explained;
    else audit.unexpected += surplus - explained;
  }
  return audit;
}

function notificationKey(notification: ExpectedNotification): string {
  return JSON.stringify([notification.recipient, notification.actor, notification.title ?? null]);
}

function fromKey(key: string): ExpectedNotification {
  const [recipient, actor, title] = JSON.parse(key) as [string, string, string | null];
  return { recipient, actor, title };
}

/** The missing notifications for a report, e.g. `Missing: to w1a2b3-4 from w1a2b3-7 about "Title"; ...`. */
export function describeMissing(audit: NotificationAudit): string {
  if (audit.missingKeys.length === 0) return '';
  const shown = audit.missingKeys.map(
    ({ recipient, actor, title }) =>
      `to ${recipient} from ${actor} ${title === null ? '(a follow)' : `about ${JSON.stringify(title)}`}`,
  );
  const inAll = audit.missing > shown.length ? ` (${audit.missing} in all)` : '';
  return `Missing${inAll}: ${shown.join('; ')}.`;
}

function countKeys(notifications: ExpectedNotification[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const notification of notifications) {
    const key = notificationKey(notification);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}
