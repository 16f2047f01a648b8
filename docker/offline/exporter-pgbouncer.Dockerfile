# STAND-IN for the public image prometheuscommunity/pgbouncer-exporter (the tag the compose files name), for machines
# that cannot reach a container registry (see docker/README.md); built by scripts/docker-bootstrap.sh only when the
# pull fails. Not faithful in one respect: the exporter is the Python prometheus-pgbouncer-exporter from PyPI (the
# release scripts/bootstrap.sh installs for the native runner, over Debian's psycopg2 and prometheus_client), not
# the Go one; the metric names are the same (pgbouncer_up, pgbouncer_pools_client_active_connections, ...).
# Debian's own prometheus-pgbouncer-exporter (1.7) is not used: it reads SHOW STATS columns that PgBouncer 1.8
# removed and fails against any later PgBouncer.
# The contract it keeps: /bin/pgbouncer_exporter as the entrypoint taking the public flags
# (--pgBouncer.connectionString, or PGBOUNCER_EXPORTER_CONNECTION_STRING, and --web.listen-address; the entrypoint
# writes them into the Python exporter's configuration, the password staying in the environment), a scrape that
# reports pgbouncer_up 0 rather than failing while PgBouncer is away, port 9127, the exporter as `nobody`, wget
# for a healthcheck (the public image's busybox has one).
ARG BASE=scaling-conduit/offline-base:bookworm
FROM ${BASE}
ARG PGBOUNCER_EXPORTER_VERSION
# The machine's CA bundle, kept aside for pip: installing Debian's ca-certificates (python3 pulls it in) rebuilds
# the bundle from Debian's own list.
RUN set -eu; \
    cp /etc/ssl/certs/ca-certificates.crt /tmp/machine-ca.crt; \
    apt-get update -qq; \
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-venv python3-psycopg2 \
      python3-prometheus-client python3-yaml wget >/dev/null; \
    rm -rf /var/lib/apt/lists/*; \
    python3 -m venv --system-site-packages /opt/pgbouncer-exporter; \
    /opt/pgbouncer-exporter/bin/pip install --quiet --disable-pip-version-check --no-deps \
      --cert /tmp/machine-ca.crt \
      "prometheus-pgbouncer-exporter==${PGBOUNCER_EXPORTER_VERSION}" "python-json-logger==2.0.7"; \
    rm /tmp/machine-ca.crt; \
    /opt/pgbouncer-exporter/bin/pgbouncer-exporter --help >/dev/null
COPY exporter-pgbouncer-entrypoint.sh /bin/pgbouncer_exporter
USER nobody
EXPOSE 9127
ENTRYPOINT ["/bin/pgbouncer_exporter"]
