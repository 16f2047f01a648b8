# STAND-IN for the public image nginx/nginx-prometheus-exporter (the tag the compose files name), for machines that
# cannot reach a container registry (see docker/README.md); built by scripts/docker-bootstrap.sh only when the pull
# fails. Not faithful in one respect: the exporter is Debian bookworm's prometheus-nginx-exporter (0.11.0, the same
# the native runner uses), not the release the tag names; the metric names are the same.
# The contract it keeps: /usr/bin/nginx-prometheus-exporter as the entrypoint taking the 1.x flags
# (--nginx.scrape-uri, --web.listen-address, --web.telemetry-path, --[no-]nginx.plus, ...: the entrypoint turns
# them into 0.11's single-dash ones), port 9113, the exporter as `nobody`; like 1.x it waits for nginx rather than
# exiting when nginx is not up yet.
ARG BASE=scaling-conduit/offline-base:bookworm
FROM ${BASE}
RUN set -eu; \
    apt-get update -qq; \
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus-nginx-exporter >/dev/null; \
    rm -rf /var/lib/apt/lists/*; \
    prometheus-nginx-exporter -version 2>&1 | head -1
COPY exporter-nginx-entrypoint.sh /usr/bin/nginx-prometheus-exporter
USER nobody
EXPOSE 9113
ENTRYPOINT ["/usr/bin/nginx-prometheus-exporter"]
