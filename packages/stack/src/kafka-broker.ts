import { connect } from 'node:net';
import { join } from 'node:path';
import { repoRoot } from './stage.ts';

/** The release scripts/bootstrap.sh copies (KAFKA_VERSION there): the tag of the compose files' apache/kafka image. */
export const kafkaVersion = '4.4.0';
const javaBinary = process.env.JAVA_BIN ?? '/usr/bin/java';

/** The broker's runtime classpath as bootstrap copies it from Maven Central; KAFKA_LIBS points at another. */
export function kafkaLibs(version: string = kafkaVersion): string {
  return process.env.KAFKA_LIBS ?? join(repoRoot, '.tools', 'kafka', version, 'libs');
}

export function kafkaInstallHint(version: string = kafkaVersion): string {
  return `run 'make bootstrap', which copies Apache Kafka ${version}'s broker jars from Maven Central into .tools/kafka/${version}/libs (they run on Java 17: apt-get install openjdk-17-jre-headless)`;
}

/** The image's variables that configure the JVM or its logging rather than naming a broker property. */
const jvmVariables = new Set([
  'KAFKA_VERSION',
  'KAFKA_HEAP_OPTS',
  'KAFKA_LOG4J_OPTS',
  'KAFKA_OPTS',
  'KAFKA_JMX_OPTS',
  'KAFKA_JMX_HOSTNAME',
  'KAFKA_JMX_PORT',
  'KAFKA_JVM_PERFORMANCE_OPTS',
  'KAFKA_GC_LOG_OPTS',
  'KAFKA_LOG4J_ROOT_LOGLEVEL',
  'KAFKA_LOG4J_LOGGERS',
  'KAFKA_TOOLS_LOG4J_LOGLEVEL',
]);

/**
 * The apache/kafka image's convention: `KAFKA_<NAME>` is the broker property `<name>` lower-cased, with `_` for `.`,
 * `__` for `_` and `___` for `-` (KAFKA_LOG_DIRS -> log.dirs, KAFKA_LISTENER_SECURITY_PROTOCOL_MAP ->
 * listener.security.protocol.map).
 */
export function propertyOfVariable(variable: string): string {
  return variable
    .slice('KAFKA_'.length)
    .toLowerCase()
    .split('___')
    .map((dashed) =>
      dashed
        .split('__')
        .map((part) => part.replaceAll('_', '.'))
        .join('_'),
    )
    .join('-');
}

/** The broker properties an environment names, as the image renders its server.properties. */
export function propertiesFromEnvironment(env: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env)
      .filter(([name]) => name.startsWith('KAFKA_') && !jvmVariables.has(name))
      .map(([name, value]) => [propertyOfVariable(name), value]),
  );
}

export function renderProperties(properties: Record<string, string>): string {
  return Object.entries(properties)
    .map(([key, value]) => `${key}=${value.replaceAll('\\', '\\\\')}\n`)
    .join('');
}

/** Log4j 2 to standard output, the image's layout; the stack or the test keeps the output. */
export function log4jProperties(level = 'INFO'): string {
  return [
    'appender.stdout.type = Console',
    'appender.stdout.name = STDOUT',
    'appender.stdout.layout.type = PatternLayout',
    'appender.stdout.layout.pattern = [%d] %p %m (%c)%n',
    `rootLogger.level = ${level}`,
    'rootLogger.appenderRef.stdout.ref = STDOUT',
    '',
  ].join('\n');
}

export interface BrokerCommand {
  /** server.properties, written by the caller. */
  configFile: string;
  /** log4j2.properties, written by the caller. */
  log4jFile: string;
  /** The first of log.dirs (or metadata.log.dir): a meta.properties there means the storage is formatted. */
  metadataDir: string;
  clusterId: string;
  /** JVM options: heap, GC, and anything else (KAFKA_HEAP_OPTS, KAFKA_JVM_PERFORMANCE_OPTS, KAFKA_OPTS). */
  jvmOptions: string[];
  version?: string;
}

/**
 * One command for the stack and the tests: format the storage on the first start only (as the image's launch
 * script does), then exec the broker, so the process a supervisor signals is the JVM itself.
 */
export function brokerArgv(command: BrokerCommand): string[] {
  const java = [
    javaBinary,
    ...command.jvmOptions,
    `-Dlog4j2.configurationFile=${command.log4jFile}`,
    '-cp',
    `${kafkaLibs(command.version)}/*`,
  ];
  // The paths and the java command arrive as positional parameters: nothing is quoted into the script.
  const script = [
    'dir=$1; id=$2; config=$3; shift 3',
    '[ -e "$dir/meta.properties" ] || "$@" kafka.tools.StorageTool format --ignore-formatted -t "$id" -c "$config" || exit 1',
    'exec "$@" kafka.Kafka "$config"',
  ].join('\n');
  return [
    '/bin/sh',
    '-c',
    script,
    'kafka',
    command.metadataDir,
    command.clusterId,
    command.configFile,
    ...java,
  ];
}

/**
 * Whether a broker on 127.0.0.1:port answers a Metadata request (v1, no topics) listing at least one broker: it
 * serves requests and has registered with its controller, so clients can create topics and produce.
 */
export function brokerAnswers(port: number, timeoutMs = 1000): Promise<boolean> {
  const clientId = Buffer.from('readiness-probe');
  const body = Buffer.alloc(2 + 2 + 4 + 2 + clientId.length + 4);
  let at = body.writeInt16BE(3, 0); // Metadata
  at = body.writeInt16BE(1, at);
  at = body.writeInt32BE(7, at); // correlation id
  at = body.writeInt16BE(clientId.length, at);
  at += clientId.copy(body, at);
  body.writeInt32BE(0, at); // no topics
  const frame = Buffer.concat([Buffer.alloc(4), body]);
  frame.writeInt32BE(body.length, 0);
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1', timeout: timeoutMs });
    let answer = Buffer.alloc(0);
    const settle = (ready: boolean) => {
      socket.destroy();
      resolve(ready);
    };
    socket.once('connect', () => socket.write(frame));
    socket.on('data', (chunk) => {
      answer = Buffer.concat([answer, chunk]);
      // size, correlation id, then the brokers array's length.
      if (answer.length >= 12) settle(answer.readInt32BE(4) === 7 && answer.readInt32BE(8) > 0);
    });
    socket.once('error', () => settle(false));
    socket.once('timeout', () => settle(false));
    socket.once('end', () => settle(false));
  });
}
