import { type ChurnResult, runChurn } from '../churn.ts';
import { defineExperiment } from '../experiment.ts';
import { loadProgress } from '../live-progress.ts';
import { renderMessageCounts } from '../load-summary.ts';

const clients = 500;
/** The first page of the global article list, as the API asks for it (newest first, author joined). */
const articleListSql = `
  SELECT a.slug, a.title, a.description, a.favorites_count, a.created_at, u.username
  FROM articles a JOIN users u ON u.id = a.author_id
  ORDER BY a.created_at DESC, a.id DESC
  LIMIT 20`;
const tooManyClients = 'sorry, too many clients already';

export interface ChurnSide {
  /** Where the clients connected, password removed. */
  target: string;
  result: ChurnResult;
}

export const connectionChurn = defineExperiment<ChurnSide>({
  name: 'connection-churn',
  title: `Connection churn: ${clients} clients opening a connection per query`,
  description:
    `${clients} concurrent clients, each in a loop: connect, run the article-list query, disconnect (a closed model, ` +
    'as short-lived processes or functions behave). They connect where the stage points its app: Postgres itself in ' +
    'stage 1 (max_connections=100: each connection is a forked backend), PgBouncer from stage 2 on (transaction ' +
    'pooling onto 20 server connections). A failed attempt waits 100 ms before the next.',
  scale: 1,
  async run({ session, seconds, output, settings }) {
    const durationSeconds = seconds(30, 8);
    const target = redactPassword(session.appDatabaseUrl);
    output(`${clients} clients churning connections to ${target} for ${durationSeconds} s...`);
    const result = await runChurn({
      connectionString: session.appDatabaseUrl,
      clients,
      durationSeconds,
      sql: articleListSql,
      onProgress: loadProgress(`${session.label} churn`),
      signal: settings.signal,
    });
    output(
      `${Math.round(result.successesPerSecond)} successes/s, ${result.errors.toLocaleString('en-US')} errors.`,
    );
    return { target, result };
  },
  compare(results, labels) {
    const row = (label: string, pick: (side: ChurnSide) => number, decimals = 0) => ({
      label,
      values: results.map(pick),
      decimals,
    });
    return {
      rows: [
        row('successes/s', (side) => side.result.successesPerSecond),
        row('p50 ms (connect + query + disconnect)', (side) => side.result.latencyMs.p50, 1),
        row('p95 ms (connect + query + disconnect)', (side) => side.result.latencyMs.p95, 1),
        row('attempts', (side) => side.result.attempts),
        row('errors', (side) => side.result.errors),
        row(`"${tooManyClients}"`, (side) => side.result.errorsByMessage[tooManyClients] ?? 0),
      ],
      panel: {
        title: `Connection churn, ${clients} clients: successful queries per second`,
        unit: 'per s',
        groups: [
          {
            label: 'successes/s',
            values: results.map((side) => side.result.successesPerSecond),
          },
        ],
      },
      details: results
        .flatMap((side, index) => [
          `Errors by message, ${labels[index]} (${side.target}):`,
          '',
          renderMessageCounts(side.result.errorsByMessage),
          '',
        ])
        .join('\n'),
    };
  },
});

function redactPassword(connectionString: string): string {
  const url = new URL(connectionString);
  if (url.password) url.password = '***';
  return url.toString();
}
