# STAND-IN for the public image apache/kafka (the tag the compose files name), for machines that cannot reach a
# container registry (see docker/README.md); built by scripts/docker-bootstrap.sh only when the pull fails.
# The broker is the same release's jars from Maven Central (scripts/kafka/pom.xml: the broker, its tools and their
# runtime classpath, the ones scripts/bootstrap.sh copies for the native runner), copied into the build by the
# bootstrap. Not faithful in one respect: Debian bookworm's Java 17 runtime, not the public image's Java 21.
# The contract it keeps: `/etc/kafka/docker/run` as the command, the image's environment convention (KAFKA_<NAME>
# is the broker property <name>: `_` a dot, `__` an underscore, `___` a dash; its defaults for a single KRaft node
# when a variable is unset; CLUSTER_ID; KAFKA_HEAP_OPTS, KAFKA_JVM_PERFORMANCE_OPTS, KAFKA_OPTS, KAFKA_LOG4J_OPTS),
# a server.properties mounted in /mnt/shared/config with the variables appended, the storage formatted on the
# first start, /opt/kafka/{bin,config,libs} with the usual scripts (kafka-server-start.sh, kafka-storage.sh,
# kafka-topics.sh, kafka-broker-api-versions.sh, kafka-consumer-groups.sh, the console producer and consumer),
# the volumes /var/lib/kafka/data, /etc/kafka/secrets and /mnt/shared/config, port 9092, user `appuser` (1000).
ARG BASE=scaling-conduit/offline-base:bookworm
FROM ${BASE}
RUN set -eu; \
    apt-get update -qq; \
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends openjdk-17-jre-headless >/dev/null; \
    rm -rf /var/lib/apt/lists/*; \
    useradd --uid 1000 --user-group --home-dir /home/appuser --create-home --shell /bin/bash appuser; \
    mkdir -p /opt/kafka/bin /opt/kafka/config /etc/kafka/docker /etc/kafka/secrets /var/lib/kafka/data /mnt/shared/config; \
    chown -R appuser:appuser /opt/kafka/config /etc/kafka /var/lib/kafka /mnt/shared/config
COPY libs/ /opt/kafka/libs/
COPY kafka-run-class.sh kafka-server-start.sh /opt/kafka/bin/
COPY kafka-run.sh /etc/kafka/docker/run
# Each tool is the release's one-line script: its class through kafka-run-class.sh.
RUN set -eu; \
    for tool in kafka-storage:kafka.tools.StorageTool \
        kafka-topics:org.apache.kafka.tools.TopicCommand \
        kafka-broker-api-versions:org.apache.kafka.tools.BrokerApiVersionsCommand \
        kafka-consumer-groups:org.apache.kafka.tools.consumer.group.ConsumerGroupCommand \
        kafka-console-producer:org.apache.kafka.tools.ConsoleProducer \
        kafka-console-consumer:org.apache.kafka.tools.consumer.ConsoleConsumer \
        kafka-metadata-quorum:org.apache.kafka.tools.MetadataQuorumCommand; do \
      printf '#!/bin/sh\nexec "$(dirname "$0")/kafka-run-class.sh" %s "$@"\n' "${tool#*:}" > "/opt/kafka/bin/${tool%%:*}.sh"; \
    done; \
    chmod 755 /opt/kafka/bin/*.sh /etc/kafka/docker/run; \
    printf '%s\n' 'appender.stderr.type = Console' 'appender.stderr.name = STDERR' 'appender.stderr.target = SYSTEM_ERR' \
      'appender.stderr.layout.type = PatternLayout' 'appender.stderr.layout.pattern = [%d] %p %m (%c)%n' \
      'rootLogger.level = WARN' 'rootLogger.appenderRef.stderr.ref = STDERR' > /opt/kafka/config/tools-log4j2.properties
USER appuser
VOLUME ["/etc/kafka/secrets", "/var/lib/kafka/data", "/mnt/shared/config"]
EXPOSE 9092
CMD ["/etc/kafka/docker/run"]
