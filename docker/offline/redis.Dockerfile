# STAND-IN for the public image redis (the tag the compose files name), for machines that cannot reach a
# container registry (see docker/README.md); built by scripts/docker-bootstrap.sh only when the pull fails.
# Not faithful in one respect: the server is Debian bookworm's redis-server (7.0 with Debian's security fixes),
# not the release the tag names; the options the compose files pass exist in both.
# The contract it keeps: `redis-server ARGS` as the command (arguments starting with "-" are given to
# redis-server), redis-cli for the healthcheck, /data as the working folder and volume, the server running as
# the `redis` user, and protected mode off as in the public build (the compose network is the boundary; set a
# password).
ARG BASE=scaling-conduit/offline-base:bookworm
FROM ${BASE}
RUN set -eu; \
    apt-get update -qq; \
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends redis-server >/dev/null; \
    rm -rf /var/lib/apt/lists/*; \
    mkdir -p /data; chown redis:redis /data
COPY redis-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
WORKDIR /data
VOLUME /data
EXPOSE 6379
ENTRYPOINT ["docker-entrypoint.sh"]
CMD ["redis-server"]
