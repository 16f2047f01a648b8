# STAND-IN for the public image varnish (the tag the compose files name), for machines that cannot reach a
# container registry (see docker/README.md); built by scripts/docker-bootstrap.sh only when the pull fails.
# Not faithful in two respects: the cache is Debian bookworm's varnish (7.1 with Debian's security fixes, the same
# the native runner uses), not the release the tag names, so a VCL must compile on 7.1; and of the vmods the public
# image bundles it has only those Debian's varnish-modules package builds (no vmod_dynamic).
# The contract it keeps: docker-varnish-entrypoint as the entrypoint, which with no arguments or only options runs
# `varnishd -F -f /etc/varnish/default.vcl -a http=:${VARNISH_HTTP_PORT:-80},HTTP
# -a proxy=:${VARNISH_PROXY_PORT:-8443},PROXY -p feature=+http2 -s malloc,$VARNISH_SIZE` followed by those options,
# and anything else as given; VARNISH_SIZE (100M); the users varnish (1000), vcache (1001) and varnishlog (1002),
# the process as `varnish`; /etc/varnish as working folder; varnishadm, varnishlog, varnishncsa and varnishstat
# on PATH, reaching the running varnishd without -n.
ARG BASE=scaling-conduit/offline-base:bookworm
FROM ${BASE}
ENV VARNISH_SIZE=100M
RUN set -eu; \
    # The public image's fixed ids, made before the package so that its scripts find the users in place.
    addgroup --quiet --system --gid 1000 varnish; \
    adduser --quiet --system --uid 1000 --no-create-home --home /nonexistent --ingroup varnish varnish; \
    adduser --quiet --system --uid 1001 --no-create-home --home /nonexistent --ingroup varnish vcache; \
    adduser --quiet --system --uid 1002 --no-create-home --home /nonexistent --ingroup varnish varnishlog; \
    apt-get update -qq; \
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends varnish varnish-modules >/dev/null; \
    rm -rf /var/lib/apt/lists/*; \
    # varnishd's working folder (its -n) as the varnish user; the tools find it by the same default name.
    chown varnish /var/lib/varnish; \
    varnishd -V 2>&1 | head -1
COPY varnish-entrypoint.sh /usr/local/bin/docker-varnish-entrypoint
WORKDIR /etc/varnish
USER varnish
EXPOSE 80 8443
ENTRYPOINT ["/usr/local/bin/docker-varnish-entrypoint"]
CMD []
