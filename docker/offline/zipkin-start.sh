#!/bin/sh
# The public image's entrypoint: the server with JAVA_OPTS, and any arguments passed on to it.
# shellcheck disable=SC2086 # JAVA_OPTS holds several options.
exec java ${JAVA_OPTS:-} -jar /zipkin/zipkin-server.jar "$@"
