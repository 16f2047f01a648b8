# STAND-IN for the public image nginx (the alpine tag the compose files name), for machines that cannot reach a
# container registry (see docker/README.md); built by scripts/docker-bootstrap.sh only when the pull fails.
# Not faithful in two respects: the server is Debian bookworm's nginx-light (1.22 with Debian's security fixes,
# the same the native runner uses), not the release the tag names, and it has the modules of Debian's build
# (realip, limit_req, limit_conn, upstream hash and the other core HTTP modules; no njs).
# The contract it keeps: `nginx -g "daemon off;"` as the command, the /etc/nginx layout (nginx.conf,
# mime.types, conf.d/), access and error logs to stdout and stderr, wget for the healthcheck, SIGQUIT as the
# graceful stop.
ARG BASE=scaling-conduit/offline-base:bookworm
FROM ${BASE}
RUN set -eu; \
    apt-get update -qq; \
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx-light wget >/dev/null; \
    rm -rf /var/lib/apt/lists/* /etc/nginx/sites-enabled/*; \
    ln -sf /dev/stdout /var/log/nginx/access.log; \
    ln -sf /dev/stderr /var/log/nginx/error.log
EXPOSE 80
STOPSIGNAL SIGQUIT
CMD ["nginx", "-g", "daemon off;"]
