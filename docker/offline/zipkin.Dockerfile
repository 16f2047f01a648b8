# STAND-IN for the public image openzipkin/zipkin (the tag the compose files name), for machines that cannot reach a
# container registry (see docker/README.md); built by scripts/docker-bootstrap.sh only when the pull fails.
# The server is the same release's executable jar from Maven Central (io.zipkin:zipkin-server:VERSION:exec, the
# one scripts/bootstrap.sh fetches and checks for the native runner), copied into the build by the bootstrap.
# Not faithful in one respect: it runs on Debian bookworm's Java 17 runtime, not the public image's Java 21.
# The contract it keeps: `start-zipkin` as the entrypoint (arguments go to the server, e.g. --logging.level...),
# the server's environment variables (STORAGE_TYPE, mem by default; JAVA_OPTS, with the public image's 64 MB heap
# by default), port 9411, /zipkin as the working folder, the `zipkin` user, and the image's own HEALTHCHECK
# (`docker-healthcheck`: GET /health), so `depends_on: condition: service_healthy` works without a compose
# healthcheck.
ARG BASE=scaling-conduit/offline-base:bookworm
FROM ${BASE}
ARG ZIPKIN_VERSION
RUN set -eu; \
    apt-get update -qq; \
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends openjdk-17-jre-headless wget >/dev/null; \
    rm -rf /var/lib/apt/lists/*; \
    useradd --system --home-dir /zipkin --shell /usr/sbin/nologin zipkin; \
    mkdir -p /zipkin
COPY zipkin-server-${ZIPKIN_VERSION}-exec.jar /zipkin/zipkin-server.jar
COPY zipkin-start.sh /usr/local/bin/start-zipkin
COPY zipkin-healthcheck.sh /usr/local/bin/docker-healthcheck
ENV JAVA_OPTS="-Xms64m -Xmx64m -XX:+ExitOnOutOfMemoryError"
WORKDIR /zipkin
USER zipkin
EXPOSE 9411
HEALTHCHECK --interval=1s --start-period=30s --timeout=5s CMD ["docker-healthcheck"]
ENTRYPOINT ["start-zipkin"]
