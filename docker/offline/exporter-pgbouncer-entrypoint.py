#!/usr/bin/python3
"""The public pgbouncer_exporter's command line on Debian's Python exporter, made to work with today's PgBouncer.

The public exporter takes one libpq URL (--pgBouncer.connectionString) and --web.listen-address; Debian's takes
--pgbouncer-host/-port/-user and --host/--port, and leaves the password and TLS mode to libpq's environment.
Debian's exporter (1.7) also predates PgBouncer 1.8: it reads SHOW STATS's total_requests, which 1.8 renamed
total_query_count, and fails at start against any PgBouncer since (Debian 12's own is 1.18); and it keeps one
connection for ever, so a PgBouncer restart broke every later scrape. Both are mended here, in the process.
"""
import os
import socket
import sys
import time
from urllib.parse import parse_qs, unquote, urlsplit

import psycopg2
from prometheus_pgbouncer_exporter import cli, collectors, utils

DEFAULT_CONNECTION = "postgres://postgres:@localhost:6543/pgbouncer?sslmode=disable"
# libpq reads these from the environment; Debian's exporter passes no other connection option.
LIBPQ_ENVIRONMENT = {"sslmode": "PGSSLMODE", "connect_timeout": "PGCONNECT_TIMEOUT", "application_name": "PGAPPNAME"}
IGNORED = ("--log.level", "--log.format", "--web.telemetry-path", "--web.config.file")
# The Python exporter reads PgBouncer's stats once at start and exits if it cannot: wait for PgBouncer this long.
START_WAIT_SECONDS = 60


class Reconnecting:
    """The one connection the collectors share, which a read opens again once when PgBouncer dropped it."""

    def __init__(self, connect):
        self.connect = connect
        self.connection = connect()

    def cursor(self):
        return self.connection.cursor()

    def reopen(self):
        self.connection.close()
        self.connection = self.connect()

    def close(self):
        self.connection.close()


def reconnecting(read):
    def read_reconnecting(connection, key):
        try:
            return read(connection, key)
        except (psycopg2.OperationalError, psycopg2.InterfaceError):
            connection.reopen()
            return read(connection, key)

    return read_reconnecting


def flag_values(argv):
    """--name=value and --name value pairs; unknown flags are reported, not fatal."""
    values, index = {}, 0
    while index < len(argv):
        arg = argv[index]
        name, equals, value = arg.partition("=")
        if not arg.startswith("--"):
            sys.exit(f"pgbouncer_exporter stand-in: unexpected argument {arg!r}; pass flags as --name=value.")
        if not equals and index + 1 < len(argv) and not argv[index + 1].startswith("--"):
            index += 1
            value = argv[index]
        if name in ("--pgBouncer.connectionString", "--web.listen-address"):
            values[name] = value
        elif name in IGNORED or name.startswith("--log."):
            print(f"pgbouncer_exporter stand-in: {name} has no equivalent in Debian's exporter, ignored.", file=sys.stderr)
        else:
            sys.exit(f"pgbouncer_exporter stand-in: {name} is not supported; see docker/offline/exporter-pgbouncer.Dockerfile.")
        index += 1
    return values


def wait_for(host, port):
    deadline = time.monotonic() + START_WAIT_SECONDS
    while True:
        try:
            socket.create_connection((host, int(port)), timeout=3).close()
            return
        except OSError as error:
            if time.monotonic() > deadline:
                sys.exit(f"pgbouncer_exporter stand-in: PgBouncer at {host}:{port} did not answer within "
                         f"{START_WAIT_SECONDS} s ({error}); check the connection string and that PgBouncer runs.")
            print(f"pgbouncer_exporter stand-in: waiting for PgBouncer at {host}:{port} ({error}) ...", file=sys.stderr)
            time.sleep(2)


def main():
    flags = flag_values(sys.argv[1:])
    url = urlsplit(flags.get("--pgBouncer.connectionString")
                   or os.environ.get("PGBOUNCER_EXPORTER_CONNECTION_STRING") or DEFAULT_CONNECTION)
    listen_host, _, listen_port = flags.get("--web.listen-address", ":9127").rpartition(":")
    host, port = url.hostname or "localhost", str(url.port or 5432)
    environment = {}
    if url.password:
        environment["PGPASSWORD"] = unquote(url.password)
    for name, values in parse_qs(url.query).items():
        if name in LIBPQ_ENVIRONMENT:
            environment[LIBPQ_ENVIRONMENT[name]] = values[-1]
    os.environ.update(environment)
    wait_for(host, port)
    sys.argv = ["prometheus-pgbouncer-exporter", "--host", listen_host.strip("[]") or "0.0.0.0", "--port",
                listen_port, "--pgbouncer-host", host, "--pgbouncer-port", port,
                "--pgbouncer-user", unquote(url.username or "postgres"),
                "--licence-location", "/usr/share/doc/prometheus-pgbouncer-exporter/copyright"]
    stats = collectors.StatsCollector.metrics
    stats["total_query_count"] = stats.pop("total_requests")
    collectors.get_data_by_named_column = reconnecting(collectors.get_data_by_named_column)
    collectors.get_data_by_named_row = reconnecting(collectors.get_data_by_named_row)
    cli.get_connection = lambda user, port, host: Reconnecting(lambda: utils.get_connection(user, port, host))
    cli.main()


main()
