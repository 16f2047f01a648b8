# STAND-IN for the public image oliver006/redis_exporter (the tag the compose files name), for machines that cannot
# reach a container registry (see docker/README.md); built by scripts/docker-bootstrap.sh only when the pull fails.
# Not faithful in one respect: the exporter is Debian bookworm's prometheus-redis-exporter (1.45.0, the same the
# native runner uses), not the release the tag names; its flags, variables and metric names are upstream's.
# The contract it keeps: /redis_exporter as the entrypoint (compose `command:` gives it flags), REDIS_ADDR,
# REDIS_USER, REDIS_PASSWORD (and REDIS_PASSWORD_FILE) and the other REDIS_EXPORTER_* variables, port 9121, the
# exporter as uid 59000. Like the public image (FROM scratch) it has no shell tools for a healthcheck to rely on,
# though this one has a shell.
ARG BASE=scaling-conduit/offline-base:bookworm
FROM ${BASE}
RUN set -eu; \
    apt-get update -qq; \
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus-redis-exporter >/dev/null; \
    rm -rf /var/lib/apt/lists/*; \
    ln -s /usr/bin/prometheus-redis-exporter /redis_exporter; \
    /redis_exporter --version 2>&1 | head -1
USER 59000:59000
EXPOSE 9121
ENTRYPOINT ["/redis_exporter"]
