# STAND-IN for the public image prom/prometheus (the tag the compose files name), for machines that cannot reach a
# container registry (see docker/README.md); built by scripts/docker-bootstrap.sh only when the pull fails.
# Not faithful in two respects: the server is Debian bookworm's prometheus (2.42 with Debian's security fixes, the
# same the native runner uses), not the release the tag names, and its web UI is Debian's classic one (the API,
# which the tests and Grafana use, is the same).
# The contract it keeps: /bin/prometheus as the entrypoint with the public image's command
# (--config.file=/etc/prometheus/prometheus.yml --storage.tsdb.path=/prometheus and the console folders), so a
# compose `command:` replaces the flags exactly as it does there; promtool; /prometheus as the working folder and
# volume; a default configuration that scrapes only Prometheus itself; the server as `nobody`; wget for a
# healthcheck (the public image's busybox has one).
ARG BASE=scaling-conduit/offline-base:bookworm
FROM ${BASE}
RUN set -eu; \
    apt-get update -qq; \
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus wget >/dev/null; \
    rm -rf /var/lib/apt/lists/*; \
    # The classic UI loads one moment-timezone build; the package's other builds and data are 210 MB.
    find /usr/share/javascript/moment-timezone -mindepth 1 -maxdepth 1 ! -name moment-timezone-with-data.min.js -exec rm -rf {} +; \
    mkdir -p /prometheus /usr/share/prometheus; \
    ln -s /etc/prometheus/console_libraries /usr/share/prometheus/console_libraries; \
    ln -s /etc/prometheus/consoles /usr/share/prometheus/consoles; \
    printf '%s\n' 'global:' '  scrape_interval: 15s' '  evaluation_interval: 15s' 'scrape_configs:' \
      '  - job_name: prometheus' '    static_configs:' '      - targets: ["localhost:9090"]' \
      >/etc/prometheus/prometheus.yml; \
    chown -R nobody:nogroup /etc/prometheus /prometheus; \
    /bin/prometheus --version 2>&1 | head -1
WORKDIR /prometheus
USER nobody
EXPOSE 9090
VOLUME /prometheus
ENTRYPOINT ["/bin/prometheus"]
CMD ["--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.path=/prometheus", \
     "--web.console.libraries=/usr/share/prometheus/console_libraries", \
     "--web.console.templates=/usr/share/prometheus/consoles"]
