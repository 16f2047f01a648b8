import { stackStatus } from '@scaling/stack';
import { type ChurnResult, runChurn } from '../churn.ts';
import { type CpuUsage, cpuUsageBetween, stageCpuGroups, takeSnapshot } from '../cpu-usage.ts';
import { defineExperiment } from '../experiment.ts';
import { loadProgress } from '../live-progress.ts';
import { renderMessageCounts } from '../load-summary.ts';
import { pgbouncerWaiting, postgresConnections, postgresTransactionRate } from '../server-series.ts';
import { markdownTable } from '../table.ts';

const clients = 500;
/** The cheapest statement there is, so that what each attempt costs is the connection, not the query. */
const statement = 'SELECT 1';
const tooManyClients = 'sorry, too many clients already';
const loadGenerator = 'load generator';
/** The processes a connection's cost is split between, as the table shows them. */
const costCentres = [loadGenerator, 'pgbouncer', 'postgres'];

export interface ChurnSide {
  /** Where the clients connected, password removed. */
  target: string;
  result: ChurnResult;
  /** CPU per process of the stack (a process counts its children: Postgres's backends) and of the bench. */
  cpu: CpuUsage;
}

export const connectionChurn = defineExperiment<ChurnSide>({
  name: 'connection-churn',
  title: `Connection churn: ${clients} clients opening a connection per statement`,
  description:
    `${clients} concurrent clients, each in a loop: connect, run \`${statement}\`, disconnect (a closed model, as ` +
    'short-lived processes or functions behave). The statement costs next to nothing, so every figure is the cost ' +
    'of the connections. They connect where the stage points its app, with its SCRAM-SHA-256 password: Postgres ' +
    'itself in stage 1 (max_connections=100: each connection is a forked backend), PgBouncer from stage 2 on ' +
    '(transaction pooling onto 20 server connections; PgBouncer still authenticates every client, on its one ' +
    'thread). The CPU time of the load generator (the bench process, where the clients compute their side of ' +
    'SCRAM), PgBouncer and Postgres is read from /proc over the run. A failed attempt waits 100 ms before the next.',
  scale: 1,
  serverSeries: [postgresConnections, pgbouncerWaiting, postgresTransactionRate],
  async run({ session, seconds, output, settings }) {
    const durationSeconds = seconds(30, 8);
    const target = redactPassword(session.appDatabaseUrl);
    const groups = stageCpuGroups(await stackStatus(session.stage), loadGenerator);
    output(`${clients} clients churning connections to ${target} for ${durationSeconds} s...`);
    const start = takeSnapshot();
    const result = await runChurn({
      connectionString: session.appDatabaseUrl,
      clients,
      durationSeconds,
      sql: statement,
      onProgress: loadProgress(`${session.label} churn`),
      signal: settings.signal,
    });
    const cpu = cpuUsageBetween(start, takeSnapshot(), groups);
    const side = { target, result, cpu };
    const costs = costCentres
      .filter((name) => cpu.groups[name] !== undefined)
      .map((name) => `${name} ${cpu.groups[name]}% (${formatMs(cpuMsPerConnection(side, name))} ms each)`);
    output(
      `${Math.round(result.successesPerSecond)} connections/s, ${result.errors.toLocaleString('en-US')} errors; ` +
        `CPU, % of one CPU: ${costs.join(', ')}.`,
    );
    return side;
  },
  compare(results, labels) {
    const row = (label: string, pick: (side: ChurnSide) => number | undefined, decimals = 0) => ({
      label,
      values: results.map(pick),
      decimals,
    });
    return {
      rows: [
        row(`successes/s (connect, ${statement}, disconnect)`, (side) => side.result.successesPerSecond),
        row('p50 ms, connect', (side) => side.result.connectMs.p50, 1),
        row('p95 ms, connect', (side) => side.result.connectMs.p95, 1),
        row(`p95 ms, connect + ${statement} + disconnect`, (side) => side.result.latencyMs.p95, 1),
        row('attempts', (side) => side.result.attempts),
        row('errors', (side) => side.result.errors),
        row(`"${tooManyClients}"`, (side) => side.result.errorsByMessage[tooManyClients] ?? 0),
        ...costCentres.map((name) => row(`CPU ${name}, % of one CPU`, (side) => side.cpu.groups[name], 1)),
        ...costCentres.map((name) =>
          row(`CPU ms per successful connection, ${name}`, (side) => cpuMsPerConnection(side, name), 2),
        ),
        ...[0, 1].map((cpu) => row(`CPU ${cpu} busy, %`, (side) => side.cpu.cpus[cpu], 1)),
      ],
      panel: {
        title: `Connection churn, ${clients} clients: connections per second (each runs ${statement})`,
        unit: 'per s',
        groups: [
          {
            label: 'successes/s',
            values: results.map((side) => side.result.successesPerSecond),
          },
        ],
      },
      details: [
        `CPU time per process during the churn (% of one CPU; a process counts its children, e.g. Postgres's ` +
          'backends), and per successful connection:',
        '',
        renderCpuTable(results, labels),
        '',
        ...results.flatMap((side, index) => [
          `Errors by message, ${labels[index]} (${side.target}):`,
          '',
          renderMessageCounts(side.result.errorsByMessage),
          '',
        ]),
      ].join('\n'),
    };
  },
});

/** CPU time `name` spent per successful connection, in ms; undefined where the process did not run. */
export function cpuMsPerConnection(side: ChurnSide, name: string): number | undefined {
  const percent = side.cpu.groups[name];
  if (percent === undefined || side.result.successes === 0) return undefined;
  return (percent * side.cpu.seconds * 10) / side.result.successes;
}

function renderCpuTable(results: ChurnSide[], labels: string[]): string {
  const names = [...new Set(results.flatMap((side) => Object.keys(side.cpu.groups)))];
  return markdownTable(
    ['process', ...labels.flatMap((label) => [`${label}: % of one CPU`, `${label}: ms per connection`])],
    names.map((name) => [
      name,
      ...results.flatMap((side) => {
        const percent = side.cpu.groups[name];
        return percent === undefined
          ? ['', '']
          : [percent.toFixed(1), formatMs(cpuMsPerConnection(side, name))];
      }),
    ]),
  );
}

function formatMs(ms: number | undefined): string {
  return ms === undefined ? 'n/a' : ms.toFixed(2);
}

function redactPassword(connectionString: string): string {
  const url = new URL(connectionString);
  if (url.password) url.password = '***';
  return url.toString();
}
