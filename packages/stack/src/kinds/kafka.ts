import { join } from 'node:path';
import type { ComposeService } from '../compose.ts';
import {
  brokerArgv,
  kafkaInstallHint,
  kafkaLibs,
  log4jProperties,
  propertiesFromEnvironment,
  renderProperties,
} from '../kafka-broker.ts';
import type { KindPlan, PlanContext, ServiceKind } from '../types.ts';
import type { Mount } from '../volumes.ts';

const image = /^(docker\.io\/)?apache\/kafka:([^@\s]+)$/;

/** What the image sets for every variable the compose file leaves unset (its configureDefaults). */
const imageDefaults: Record<string, string> = {
  CLUSTER_ID: '5L6g3nShT-eMCtK--X86sw',
  KAFKA_NODE_ID: '1',
  KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,PLAINTEXT_HOST:PLAINTEXT',
  KAFKA_LISTENERS: 'PLAINTEXT://localhost:29092,CONTROLLER://localhost:29093,PLAINTEXT_HOST://0.0.0.0:9092',
  KAFKA_ADVERTISED_LISTENERS: 'PLAINTEXT://localhost:29092,PLAINTEXT_HOST://localhost:9092',
  KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
  KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
  KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
  KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
  KAFKA_PROCESS_ROLES: 'broker,controller',
  KAFKA_CONTROLLER_QUORUM_VOTERS: '1@localhost:29093',
  KAFKA_INTER_BROKER_LISTENER_NAME: 'PLAINTEXT',
  KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
  KAFKA_LOG_DIRS: '/tmp/kraft-combined-logs',
};
/** kafka-server-start.sh's and kafka-run-class.sh's JVM options, when the compose file sets none. */
const imageHeap = '-Xmx1G -Xms1G';
const imagePerformance =
  '-server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent -XX:MaxInlineLevel=15 -Djava.awt.headless=true';

interface Listener {
  name: string;
  containerPort: number;
}

function parseListeners(value: string, service: string): Listener[] {
  return value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const match = /^([A-Za-z0-9_]+):\/\/[^:]*:(\d+)$/.exec(entry);
      if (!match) {
        throw new Error(
          `Service "${service}" has the listener "${entry}", which is not NAME://[host]:port: write listeners that way.`,
        );
      }
      return { name: match[1] as string, containerPort: Number(match[2]) };
    });
}

/**
 * The native port of each listener: its container port's mapping (expose + x-native-port), else, for a port the
 * compose file keeps inside the container (the controller's), the mapped listener's native port at the same offset
 * (9092 -> 19092 makes 9093 -> 19093).
 */
function nativePorts(context: PlanContext, listeners: Listener[]): Map<string, number> {
  const mapped = listeners
    .map((listener) => ({
      listener,
      mapping: context.ports.find((port) => port.container === listener.containerPort),
    }))
    .find((candidate) => candidate.mapping);
  if (!mapped?.mapping) {
    throw new Error(
      `Service "${context.name}" has no native port for any of its listeners (${listeners.map((l) => l.containerPort).join(', ')}): add expose: ["9092"] and x-native-port: <host port> for the broker's.`,
    );
  }
  const offset = mapped.mapping.host - mapped.mapping.container;
  return new Map(
    listeners.map((listener) => [
      listener.name,
      context.ports.find((port) => port.container === listener.containerPort)?.host ??
        listener.containerPort + offset,
    ]),
  );
}

/** A container path on the host: inside the named volume mounted over it, else in the instance's folder. */
function hostDir(containerPath: string, mounts: Mount[], stateDir: string, directory: string): string {
  const volume = mounts
    .filter((mount) => mount.named)
    .filter((mount) => containerPath === mount.target || containerPath.startsWith(`${mount.target}/`))
    .sort((a, b) => b.target.length - a.target.length)[0];
  return volume
    ? join(stateDir, 'volumes', volume.source, containerPath.slice(volume.target.length))
    : join(directory, 'data', containerPath);
}

/**
 * apache/kafka: the same release's broker jars (bootstrap copies them from Maven Central) on Debian's Java 17, the
 * image's environment convention (KAFKA_LOG_DIRS -> log.dirs, its defaults for what the compose file leaves unset,
 * KAFKA_HEAP_OPTS, KAFKA_JVM_PERFORMANCE_OPTS, KAFKA_OPTS, CLUSTER_ID), every listener on 127.0.0.1 and its native
 * port, the storage formatted on the first start in the named volume over log.dirs (else the instance's folder).
 * Ready when the broker answers a Metadata request listing itself. A single node only: natively, every controller
 * voter is this process.
 */
export const kafkaKind: ServiceKind = {
  name: 'kafka',
  matches: (service: ComposeService) => image.test(service.image ?? ''),
  plan(context: PlanContext): KindPlan {
    const version = image.exec(context.service.image ?? '')?.[2] as string;
    const env = { ...imageDefaults, ...context.env };
    const properties = propertiesFromEnvironment(env);
    const listeners = parseListeners(properties.listeners ?? '', context.name);
    const ports = nativePorts(context, listeners);
    const portOf = (name: string) => {
      const port = ports.get(name);
      if (port === undefined) {
        throw new Error(
          `Service "${context.name}" names the listener ${name}, which its KAFKA_LISTENERS does not define: add it there.`,
        );
      }
      return port;
    };
    const directory = join(context.stateDir, 'services', context.instance);
    const logDirs = (properties['log.dirs'] ?? properties['log.dir'] ?? '/tmp/kafka-logs')
      .split(',')
      .map((path) => hostDir(path.trim(), context.mounts, context.stateDir, directory));
    const metadataDir = properties['metadata.log.dir']
      ? hostDir(properties['metadata.log.dir'], context.mounts, context.stateDir, directory)
      : (logDirs[0] as string);
    const controllerListener = (properties['controller.listener.names'] ?? 'CONTROLLER').split(
      ',',
    )[0] as string;
    // log.dir is the older name of log.dirs: one of them, mapped, goes to the broker.
    const { 'log.dir': _logDir, ...named } = properties;
    const native: Record<string, string> = {
      ...named,
      listeners: listeners
        .map((listener) => `${listener.name}://127.0.0.1:${portOf(listener.name)}`)
        .join(','),
      'log.dirs': logDirs.join(','),
      ...(properties['metadata.log.dir'] ? { 'metadata.log.dir': metadataDir } : {}),
    };
    if (properties['advertised.listeners']) {
      native['advertised.listeners'] = parseListeners(properties['advertised.listeners'], context.name)
        .map((listener) => `${listener.name}://127.0.0.1:${portOf(listener.name)}`)
        .join(',');
    }
    if (properties['controller.quorum.voters']) {
      native['controller.quorum.voters'] = properties['controller.quorum.voters']
        .split(',')
        .map((voter) => `${voter.split('@')[0]?.trim()}@127.0.0.1:${portOf(controllerListener)}`)
        .join(',');
    }
    if (properties['controller.quorum.bootstrap.servers']) {
      native['controller.quorum.bootstrap.servers'] = `127.0.0.1:${portOf(controllerListener)}`;
    }
    const brokerListener = properties['inter.broker.listener.name'] ?? 'PLAINTEXT';
    const jvmOptions = [
      env.KAFKA_HEAP_OPTS ?? imageHeap,
      env.KAFKA_JVM_PERFORMANCE_OPTS ?? imagePerformance,
      env.KAFKA_OPTS ?? '',
    ]
      .join(' ')
      .split(/\s+/)
      .filter(Boolean);
    const configFile = join(directory, 'server.properties');
    const log4jFile = join(directory, 'log4j2.properties');
    return {
      argv: brokerArgv({
        configFile,
        log4jFile,
        metadataDir,
        clusterId: env.CLUSTER_ID as string,
        jvmOptions,
        version,
      }),
      env: { ...context.env },
      probe: { type: 'kafka', port: portOf(brokerListener) },
      stopSignal: 'SIGTERM',
      setup: {
        directory,
        files: {
          'server.properties': renderProperties(native),
          'log4j2.properties': log4jProperties(env.KAFKA_LOG4J_ROOT_LOGLEVEL),
        },
        unprivileged: false,
      },
      requires: { path: kafkaLibs(version), install: kafkaInstallHint(version) },
    };
  },
};
