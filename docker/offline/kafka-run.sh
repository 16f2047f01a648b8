#!/usr/bin/env bash
# The public image's /etc/kafka/docker/run (with its configureDefaults, configure and launch) for KRaft: the
# defaults of a single node for every variable left unset, server.properties from the KAFKA_* variables (appended
# to a mounted /mnt/shared/config/server.properties), the storage formatted on the first start, then the broker.
set -euo pipefail

declare -A defaults=(
  [CLUSTER_ID]=5L6g3nShT-eMCtK--X86sw
  [KAFKA_NODE_ID]=1
  [KAFKA_LISTENER_SECURITY_PROTOCOL_MAP]=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,PLAINTEXT_HOST:PLAINTEXT
  [KAFKA_LISTENERS]=PLAINTEXT://localhost:29092,CONTROLLER://localhost:29093,PLAINTEXT_HOST://0.0.0.0:9092
  [KAFKA_ADVERTISED_LISTENERS]=PLAINTEXT://localhost:29092,PLAINTEXT_HOST://localhost:9092
  [KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR]=1
  [KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS]=0
  [KAFKA_TRANSACTION_STATE_LOG_MIN_ISR]=1
  [KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR]=1
  [KAFKA_PROCESS_ROLES]=broker,controller
  [KAFKA_CONTROLLER_QUORUM_VOTERS]=1@localhost:29093
  [KAFKA_INTER_BROKER_LISTENER_NAME]=PLAINTEXT
  [KAFKA_CONTROLLER_LISTENER_NAMES]=CONTROLLER
  [KAFKA_LOG_DIRS]=/tmp/kraft-combined-logs
)
for name in "${!defaults[@]}"; do
  [ -n "${!name:-}" ] || export "$name=${defaults[$name]}"
done

# Variables that set the JVM or its logging, not a broker property.
excluded=" KAFKA_VERSION KAFKA_HEAP_OPTS KAFKA_LOG4J_OPTS KAFKA_OPTS KAFKA_JMX_OPTS KAFKA_JMX_HOSTNAME KAFKA_JMX_PORT
  KAFKA_JVM_PERFORMANCE_OPTS KAFKA_GC_LOG_OPTS KAFKA_LOG4J_ROOT_LOGLEVEL KAFKA_LOG4J_LOGGERS KAFKA_TOOLS_LOG4J_LOGLEVEL "
config=/opt/kafka/config/server.properties
if [ -e /mnt/shared/config/server.properties ]; then cp /mnt/shared/config/server.properties "$config"; else : >"$config"; fi
for name in $(compgen -e | grep '^KAFKA_' || true); do
  [[ $excluded == *" $name "* ]] && continue
  key=${name#KAFKA_}
  key=${key,,}
  key=${key//___/-}
  key=${key//__/@}
  key=${key//_/.}
  printf '%s=%s\n' "${key//@/_}" "${!name}" >>"$config"
done

printf '%s\n' 'appender.stdout.type = Console' 'appender.stdout.name = STDOUT' \
  'appender.stdout.layout.type = PatternLayout' 'appender.stdout.layout.pattern = [%d] %p %m (%c)%n' \
  "rootLogger.level = ${KAFKA_LOG4J_ROOT_LOGLEVEL:-INFO}" 'rootLogger.appenderRef.stdout.ref = STDOUT' \
  >/opt/kafka/config/log4j2.properties

# Formatted storage has meta.properties in the metadata log's folder (metadata.log.dir, else the first log dir).
metadata_dir=$(sed -n 's/^metadata\.log\.dir=//p' "$config" | tail -1)
[ -n "$metadata_dir" ] || metadata_dir=$(sed -n 's/^log\.dirs\{0,1\}=//p' "$config" | tail -1 | cut -d, -f1)
if [ ! -e "$metadata_dir/meta.properties" ]; then
  echo "===> Formatting the storage in $metadata_dir (cluster $CLUSTER_ID) ..."
  /opt/kafka/bin/kafka-storage.sh format --ignore-formatted --cluster-id "$CLUSTER_ID" -c "$config"
fi
echo "===> Launching ..."
exec /opt/kafka/bin/kafka-server-start.sh "$config"
