#!/bin/bash
# The stand-in's version of the public postgres image's entrypoint, for what the compose files rely on: on an
# empty data folder, initdb as the postgres user with POSTGRES_USER as the superuser, the database
# POSTGRES_DB, the scripts of /docker-entrypoint-initdb.d, then the server in the foreground.
set -Eeuo pipefail

# VAR or the content of the file named by VAR_FILE, as the public image reads secrets.
file_env() {
  local var=$1 default=${2:-}
  local file_var="${var}_FILE"
  if [ -n "${!var:-}" ] && [ -n "${!file_var:-}" ]; then
    echo "error: both $var and $file_var are set; set only one." >&2
    exit 1
  fi
  local value=$default
  if [ -n "${!var:-}" ]; then value=${!var}; elif [ -n "${!file_var:-}" ]; then value=$(<"${!file_var}"); fi
  export "$var"="$value"
  unset "$file_var"
}

if [ "${1:0:1}" = '-' ]; then set -- postgres "$@"; fi

if [ "$1" = postgres ] && [ "$(id -u)" = 0 ]; then
  mkdir -p "$PGDATA"
  chown postgres:postgres "$PGDATA"
  chmod 0700 "$PGDATA"
  exec setpriv --reuid=postgres --regid=postgres --init-groups "$0" "$@"
fi

if [ "$1" = postgres ] && [ ! -s "$PGDATA/PG_VERSION" ]; then
  file_env POSTGRES_USER postgres
  file_env POSTGRES_PASSWORD
  file_env POSTGRES_DB "$POSTGRES_USER"
  file_env POSTGRES_INITDB_ARGS
  auth_method=${POSTGRES_HOST_AUTH_METHOD:-scram-sha-256}
  if [ -z "$POSTGRES_PASSWORD" ] && [ "$auth_method" != trust ]; then
    echo 'error: the database is uninitialized and POSTGRES_PASSWORD is not set: set it (or POSTGRES_PASSWORD_FILE).' >&2
    exit 1
  fi
  pwfile=$(mktemp)
  printf '%s\n' "$POSTGRES_PASSWORD" >"$pwfile"
  # shellcheck disable=SC2086 # POSTGRES_INITDB_ARGS is a list of options, as in the public image.
  initdb --username="$POSTGRES_USER" --pwfile="$pwfile" --auth-local=trust --auth-host="$auth_method" \
    $POSTGRES_INITDB_ARGS >/dev/null
  rm -f "$pwfile"
  printf '\nlisten_addresses = '"'*'"'\n' >>"$PGDATA/postgresql.conf"
  printf 'host all all all %s\n' "$auth_method" >>"$PGDATA/pg_hba.conf"

  # A server on the socket only while the database and the init scripts are made.
  pg_ctl -D "$PGDATA" -o "-c listen_addresses=''" -w -t 60 start >/dev/null
  psql=(psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --no-password --no-psqlrc)
  if [ "$POSTGRES_DB" != postgres ]; then
    "${psql[@]}" --dbname postgres --set db="$POSTGRES_DB" <<<'CREATE DATABASE :"db";' >/dev/null
  fi
  export PGUSER=$POSTGRES_USER PGDATABASE=$POSTGRES_DB
  # shellcheck source=/dev/null # the user's scripts, mounted at run time
  for script in /docker-entrypoint-initdb.d/*; do
    case "$script" in
      *.sh) if [ -x "$script" ]; then "$script"; else . "$script"; fi ;;
      *.sql) "${psql[@]}" --dbname "$POSTGRES_DB" -f "$script" ;;
      *.sql.gz) gunzip -c "$script" | "${psql[@]}" --dbname "$POSTGRES_DB" ;;
      *) [ -e "$script" ] && echo "ignoring $script" ;;
    esac
  done
  unset PGUSER PGDATABASE
  pg_ctl -D "$PGDATA" -m fast -w -t 60 stop >/dev/null
  echo 'PostgreSQL init process complete; ready for start up.'
fi

exec "$@"
