#!/bin/sh
# The public image's HEALTHCHECK: Zipkin's /health answers 200 once its storage and collectors are up.
exec wget -q -T 4 -O /dev/null "http://127.0.0.1:${QUERY_PORT:-9411}/health"
