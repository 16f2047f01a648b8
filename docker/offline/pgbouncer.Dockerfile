# STAND-IN for the public image edoburu/pgbouncer (the tag the compose files name), for machines that cannot
# reach a container registry (see docker/README.md); built by scripts/docker-bootstrap.sh only when the pull
# fails. Not faithful in one respect: the server is Debian bookworm's pgbouncer (1.18 with Debian's security
# fixes, the same the native runner uses), not the release the tag names.
# The contract it keeps: the public image's own entrypoint (pgbouncer-entrypoint.sh, unchanged: a mounted
# /etc/pgbouncer/pgbouncer.ini and userlist.txt are used as they are; without them DATABASE_URL, DB_USER,
# DB_PASSWORD, DB_HOST and the other variables write them), `/usr/bin/pgbouncer /etc/pgbouncer/pgbouncer.ini`
# as the command, the `postgres` user, psql for checks.
ARG BASE=scaling-conduit/offline-base:bookworm
FROM ${BASE}
RUN set -eu; \
    apt-get update -qq; \
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends pgbouncer postgresql-client >/dev/null; \
    rm -rf /var/lib/apt/lists/* /etc/pgbouncer/*; \
    id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql postgres; \
    ln -sf /usr/sbin/pgbouncer /usr/bin/pgbouncer; \
    mkdir -p /etc/pgbouncer /var/log/pgbouncer /var/run/pgbouncer; \
    touch /etc/pgbouncer/userlist.txt; \
    chown -R postgres /var/log/pgbouncer /var/run/pgbouncer /etc/pgbouncer
COPY pgbouncer-entrypoint.sh /entrypoint.sh
EXPOSE 5432
USER postgres
# The upstream entrypoint is written for BusyBox sh (`function`, `==`); bash runs it as it is.
ENTRYPOINT ["bash", "/entrypoint.sh"]
CMD ["/usr/bin/pgbouncer", "/etc/pgbouncer/pgbouncer.ini"]
