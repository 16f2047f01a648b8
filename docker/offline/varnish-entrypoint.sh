#!/bin/sh
# The stand-in's version of the public varnish image's entrypoint: no arguments, or options only, mean varnishd in
# the foreground with the image's VCL, listen addresses and storage, the options appended; anything else runs as is.
set -eu
if [ "$#" -eq 0 ] || [ "${1#-}" != "$1" ]; then
  set -- varnishd -F -f /etc/varnish/default.vcl \
    -a "http=:${VARNISH_HTTP_PORT:-80},HTTP" -a "proxy=:${VARNISH_PROXY_PORT:-8443},PROXY" \
    -p feature=+http2 -s "malloc,${VARNISH_SIZE}" "$@"
fi
exec "$@"
