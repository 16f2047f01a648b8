#!/bin/sh
# The release's kafka-server-start.sh: a 1 GB heap unless KAFKA_HEAP_OPTS, the server's Log4j 2 configuration,
# then the broker with the given server.properties.
export KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xmx1G -Xms1G}"
export KAFKA_LOG4J_OPTS="${KAFKA_LOG4J_OPTS:--Dlog4j2.configurationFile=/opt/kafka/config/log4j2.properties}"
exec "$(dirname "$0")/kafka-run-class.sh" kafka.Kafka "$@"
