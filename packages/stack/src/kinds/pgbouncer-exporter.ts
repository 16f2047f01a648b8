import { join } from 'node:path';
import { stringify } from 'yaml';
import { commandArgs } from '../command.ts';
import type { ComposeService } from '../compose.ts';
import type { KindPlan, PlanContext, ServiceKind } from '../types.ts';
import { flagValue, listenPortOf, metricsProbe, nativeArgs, nativeListenPort } from './exporter.ts';

/**
 * Debian's prometheus-pgbouncer-exporter reads SHOW STATS columns that PgBouncer 1.8 removed and fails on every
 * scrape of Debian's PgBouncer, so the runner uses the Python exporter from PyPI that `make bootstrap` installs in
 * .tools/pgbouncer-exporter (over Debian's psycopg2). Its metric names are those of the image's exporter.
 */
const installed = '.tools/pgbouncer-exporter/bin/pgbouncer-exporter';
const imagePort = 9127;
const connectionVariable = 'PGBOUNCER_EXPORTER_CONNECTION_STRING';

/**
 * prometheuscommunity/pgbouncer-exporter: its `--pgBouncer.connectionString` (or the environment variable of the
 * same meaning) and `--web.listen-address`, translated to the native exporter's configuration file. The connection
 * string stays in the environment (the file names the variable), so the password is written nowhere.
 */
export const pgbouncerExporterKind: ServiceKind = {
  name: 'pgbouncer-exporter',
  matches: (service: ComposeService) => /(^|\/)pgbouncer-exporter(:|@|$)/.test(service.image ?? ''),
  plan(context: PlanContext): KindPlan {
    const args = nativeArgs(context, commandArgs(context.service.command));
    const connectionString = flagValue(args, 'pgBouncer.connectionString') ?? context.env[connectionVariable];
    if (!connectionString) {
      throw new Error(
        `Service "${context.name}" does not say where PgBouncer is: set ${connectionVariable} (postgres://<stats user>:<password>@pgbouncer:6432/pgbouncer).`,
      );
    }
    const port = nativeListenPort(context, listenPortOf(args, 'web.listen-address', imagePort));
    const directory = join(context.stateDir, 'services', context.instance);
    const binary = process.env.PGBOUNCER_EXPORTER_BIN ?? join(context.root, installed);
    const config = {
      exporter_host: '127.0.0.1',
      exporter_port: port,
      pgbouncers: [{ dsn: `$(${connectionVariable})`, connect_timeout: 5 }],
    };
    return {
      // Its log goes to stdout by default only: an explicit `--log-file stdout` opens a file named "stdout".
      argv: [binary, '--config', join(directory, 'pgbouncer-exporter.yml')],
      env: { ...context.env, [connectionVariable]: connectionString },
      probe: metricsProbe(port),
      stopSignal: 'SIGTERM',
      setup: {
        directory,
        files: {
          'pgbouncer-exporter.yml': `# Written by the native stack runner from the compose service "${context.name}".\n${stringify(config)}`,
        },
        unprivileged: false,
      },
      requires: {
        path: binary,
        install: "run 'make bootstrap' (it installs the PgBouncer exporter from PyPI)",
      },
    };
  },
};
