#!/bin/sh
# The release's launcher, reduced to what the image uses: the heap (256 MB unless KAFKA_HEAP_OPTS), the release's
# JVM performance options, KAFKA_OPTS, Log4j 2's configuration (the tools' unless KAFKA_LOG4J_OPTS), libs/ as the
# classpath.
# shellcheck disable=SC2086 # Each *_OPTS holds several options.
exec java ${KAFKA_HEAP_OPTS:--Xmx256M} \
  ${KAFKA_JVM_PERFORMANCE_OPTS:--server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent -XX:MaxInlineLevel=15 -Djava.awt.headless=true} \
  ${KAFKA_OPTS:-} ${KAFKA_LOG4J_OPTS:--Dlog4j2.configurationFile=/opt/kafka/config/tools-log4j2.properties} \
  -cp '/opt/kafka/libs/*' "$@"
