# STAND-IN for the public image postgres:15, for machines that cannot reach a container registry (see
# docker/README.md); built by scripts/docker-bootstrap.sh only when the pull fails. The server is Debian
# bookworm's postgresql-15, the same the native runner uses.
# The contract it keeps: POSTGRES_USER / POSTGRES_PASSWORD / POSTGRES_DB (and their _FILE forms),
# POSTGRES_INITDB_ARGS, POSTGRES_HOST_AUTH_METHOD (scram-sha-256 by default), scripts in
# /docker-entrypoint-initdb.d run once on an empty data folder, PGDATA=/var/lib/postgresql/data, a
# `postgres -c name=value ...` command, pg_isready, psql and pg_basebackup on PATH, the contrib extensions
# (pg_stat_statements), gosu for scripts that drop to the `postgres` user as the public image's do, the server
# running as the `postgres` user.
# Not imitated: the public image's en_US.utf8 default locale (this one initialises with C.UTF-8).
ARG BASE=scaling-conduit/offline-base:bookworm
FROM ${BASE}
ENV PG_MAJOR=15 LANG=C.UTF-8
ENV PATH=/usr/lib/postgresql/${PG_MAJOR}/bin:$PATH PGDATA=/var/lib/postgresql/data
RUN set -eu; \
    mkdir -p /etc/postgresql-common; \
    echo 'create_main_cluster = false' > /etc/postgresql-common/createcluster.conf; \
    apt-get update -qq; \
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql-15 gosu >/dev/null; \
    rm -rf /var/lib/apt/lists/*; \
    mkdir -p "$PGDATA" /var/run/postgresql /docker-entrypoint-initdb.d; \
    chown -R postgres:postgres /var/lib/postgresql /var/run/postgresql; \
    chmod 1777 /var/run/postgresql; chmod 0700 "$PGDATA"
COPY postgres-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
VOLUME /var/lib/postgresql/data
EXPOSE 5432
# The public image's choice: SIGINT is Postgres's fast shutdown.
STOPSIGNAL SIGINT
ENTRYPOINT ["docker-entrypoint.sh"]
CMD ["postgres"]
