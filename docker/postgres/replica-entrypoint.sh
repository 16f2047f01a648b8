#!/bin/sh
# The entrypoint of a streaming replica (the postgres:15 image, a compose service with x-replica-of). The image's own
# entrypoint would initdb a new, empty cluster; a replica must start as a copy of its primary instead. On an empty
# volume: pg_basebackup -R copies the primary (leaving standby.signal and primary_conninfo), then postgres runs as a
# hot standby with the compose command's settings. A volume that already holds a standby just starts streaming.
set -eu

: "${PRIMARY_HOST:?set PRIMARY_HOST to the primary service, e.g. postgres}"
: "${REPLICATION_USER:?set REPLICATION_USER to the role with REPLICATION that the migrations create}"
: "${REPLICATION_PASSWORD:?set REPLICATION_PASSWORD to that role password}"
PRIMARY_PORT="${PRIMARY_PORT:-5432}"
PGDATA="${PGDATA:-/var/lib/postgresql/data}"
# The primary (and its replication role, which the migrations create) may still be on the way: retry this long, then
# fail loudly rather than hang.
wait_seconds="${PRIMARY_WAIT_SECONDS:-120}"

# Root only prepares the volume: Postgres refuses to run as root.
if [ "$(id -u)" = 0 ]; then
  mkdir -p "$PGDATA"
  chown postgres:postgres "$PGDATA"
  chmod 700 "$PGDATA"
  exec gosu postgres /bin/sh "$0" "$@"
fi

copy_primary() {
  set -- --host "$PRIMARY_HOST" --port "$PRIMARY_PORT" --username "$REPLICATION_USER" --no-password
  if [ -n "${REPLICATION_SLOT:-}" ]; then
    # A slot of its own: the primary keeps the WAL this replica has not received, however long it is away.
    pg_receivewal --create-slot --if-not-exists --slot "$REPLICATION_SLOT" "$@" || return 1
    set -- "$@" --slot "$REPLICATION_SLOT"
  fi
  pg_basebackup --pgdata "$PGDATA" --write-recovery-conf --wal-method=stream --checkpoint=fast "$@"
}

if [ ! -f "$PGDATA/standby.signal" ]; then
  if [ -n "$(ls -A "$PGDATA")" ]; then
    echo "replica: $PGDATA holds data but no standby.signal (a promoted replica or another cluster): remove the volume (docker compose down --volumes) so it is copied from the primary again." >&2
    exit 1
  fi
  export PGPASSWORD="$REPLICATION_PASSWORD" PGCONNECT_TIMEOUT=5
  deadline=$(($(date +%s) + wait_seconds))
  echo "replica: copying the primary at $PRIMARY_HOST:$PRIMARY_PORT as $REPLICATION_USER (pg_basebackup)..."
  until copy_primary; do
    find "$PGDATA" -mindepth 1 -delete
    if [ "$(date +%s)" -ge "$deadline" ]; then
      echo "replica: could not copy the primary within ${wait_seconds} s: check that $PRIMARY_HOST runs, that $REPLICATION_USER exists with REPLICATION and this password (the migrations create it), and that the primary's pg_hba.conf allows replication connections." >&2
      exit 1
    fi
    echo "replica: the primary cannot be copied yet; retrying in 2 s"
    sleep 2
  done
  unset PGPASSWORD
  echo "replica: copied; starting as a hot standby"
fi

# The compose command: `postgres -c ...`, or only the flags, as the image accepts them.
case "${1:-}" in
  -*) set -- postgres "$@" ;;
  "") set -- postgres ;;
esac
exec "$@"
