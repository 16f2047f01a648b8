# STAND-IN for the public image prometheuscommunity/pgbouncer-exporter (the tag the compose files name), for machines
# that cannot reach a container registry (see docker/README.md); built by scripts/docker-bootstrap.sh only when the
# pull fails. Not faithful in one respect: Debian bookworm packages a different exporter, the Python
# prometheus-pgbouncer-exporter 1.7 (the same the native runner uses), so the metric names are that exporter's
# (the public pgbouncer_pools_client_active_connections is pgbouncer_active_clients here, and there is no
# pgbouncer_up). That exporter predates PgBouncer 1.8, so it fails at start against any later one, and never
# reconnects: the entrypoint mends both, in the process.
# The contract it keeps: /bin/pgbouncer_exporter as the entrypoint taking the public flags
# (--pgBouncer.connectionString, or PGBOUNCER_EXPORTER_CONNECTION_STRING, and --web.listen-address; the
# entrypoint translates them), port 9127, the exporter as `nobody`, wget for a healthcheck (the public image's
# busybox has one).
ARG BASE=scaling-conduit/offline-base:bookworm
FROM ${BASE}
RUN set -eu; \
    apt-get update -qq; \
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus-pgbouncer-exporter wget >/dev/null; \
    rm -rf /var/lib/apt/lists/*; \
    prometheus-pgbouncer-exporter --version
COPY exporter-pgbouncer-entrypoint.py /bin/pgbouncer_exporter
USER nobody
EXPOSE 9127
ENTRYPOINT ["/bin/pgbouncer_exporter"]
