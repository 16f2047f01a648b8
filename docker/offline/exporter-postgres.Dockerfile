# STAND-IN for the public image prometheuscommunity/postgres-exporter (the tag the compose files name), for machines
# that cannot reach a container registry (see docker/README.md); built by scripts/docker-bootstrap.sh only when the
# pull fails. Not faithful in one respect: the exporter is Debian bookworm's prometheus-postgres-exporter (0.11.1,
# the same the native runner uses), not the release the tag names; its metric names are the same upstream code's.
# The contract it keeps: /bin/postgres_exporter as the entrypoint (compose `command:` gives it flags), the
# connection from DATA_SOURCE_NAME (or DATA_SOURCE_URI / _USER / _PASS and their _FILE forms), the
# PG_EXPORTER_* variables, port 9187, the exporter as `nobody`, wget for a healthcheck (the public image's busybox
# has one).
ARG BASE=scaling-conduit/offline-base:bookworm
FROM ${BASE}
RUN set -eu; \
    apt-get update -qq; \
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus-postgres-exporter wget >/dev/null; \
    rm -rf /var/lib/apt/lists/*; \
    ln -s prometheus-postgres-exporter /usr/bin/postgres_exporter; \
    /bin/postgres_exporter --version 2>&1 | head -1
USER nobody
EXPOSE 9187
ENTRYPOINT ["/bin/postgres_exporter"]
