#!/bin/bash
# The public pgbouncer_exporter's command line on the Python exporter, which reads a YAML file instead: the
# connection string (flag or PGBOUNCER_EXPORTER_CONNECTION_STRING) stays in the environment, and the file names
# the variable, so the password is written nowhere.
set -euo pipefail
export PGBOUNCER_EXPORTER_CONNECTION_STRING="${PGBOUNCER_EXPORTER_CONNECTION_STRING:-postgres://postgres:@localhost:6543/pgbouncer?sslmode=disable}"
listen=:9127
while [ $# -gt 0 ]; do
  case "$1" in
  --pgBouncer.connectionString=*) PGBOUNCER_EXPORTER_CONNECTION_STRING=${1#*=} ;;
  --web.listen-address=*) listen=${1#*=} ;;
  --pgBouncer.connectionString | --web.listen-address)
    [ $# -ge 2 ] || { echo "pgbouncer_exporter stand-in: $1 needs a value." >&2 && exit 2; }
    if [ "$1" = --web.listen-address ]; then listen=$2; else PGBOUNCER_EXPORTER_CONNECTION_STRING=$2; fi
    shift
    ;;
  --log.* | --web.telemetry-path* | --web.config.file*)
    echo "pgbouncer_exporter stand-in: $1 has no equivalent in the Python exporter, ignored." >&2
    case "$1" in *=*) ;; *) shift ;; esac
    ;;
  *)
    echo "pgbouncer_exporter stand-in: $1 is not supported; see docker/offline/exporter-pgbouncer.Dockerfile." >&2
    exit 2
    ;;
  esac
  shift
done
host=${listen%:*}
# The dsn unquoted: the exporter replaces $(NAME) in plain YAML scalars only.
config=$(mktemp /tmp/pgbouncer-exporter-XXXXXX.yml)
cat >"$config" <<YAML
exporter_host: "${host:-0.0.0.0}"
exporter_port: ${listen##*:}
pgbouncers:
  - dsn: \$(PGBOUNCER_EXPORTER_CONNECTION_STRING)
    connect_timeout: 5
YAML
# No --log-file: the exporter compares it to "stdout" by identity, so only its default logs to the console.
exec /opt/pgbouncer-exporter/bin/pgbouncer-exporter --config "$config"
