import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  brokerAnswers,
  brokerArgv,
  kafkaInstallHint,
  kafkaLibs,
  log4jProperties,
  renderProperties,
} from '@scaling/stack';

export interface TestKafka {
  /** What a Kafka client's bootstrap list takes: `127.0.0.1:<port>`. */
  readonly brokers: string[];
  /** Stops the broker (SIGTERM, its controlled shutdown) and removes its folder: the end of the test file. */
  stop(): Promise<void>;
  /** Stops it if it runs, then starts it again on the same port and data: topics, messages and offsets survive. */
  restart(): Promise<void>;
  /** SIGKILL: the broker is gone at once, as in a crash, and stays away until `restart`. */
  kill(): Promise<void>;
}

const defaultPostgresPort = 25432;
const readyWithinMs = 60_000;
const stopWithinMs = 30_000;
/** A small heap, one GC thread and the quick compiler: a test broker starts in about two seconds. */
const jvmOptions = [
  '-Xms256m',
  '-Xmx256m',
  '-XX:+UseSerialGC',
  '-XX:TieredStopAtLevel=1',
  '-XX:+ExitOnOutOfMemoryError',
  '-Djava.awt.headless=true',
];

/** One node that is broker and controller, every internal topic on one replica, as a single-node cluster needs. */
function brokerProperties(port: number, dataDir: string): Record<string, string> {
  const controllerPort = port + 1;
  return {
    'process.roles': 'broker,controller',
    'node.id': '1',
    'controller.quorum.voters': `1@127.0.0.1:${controllerPort}`,
    listeners: `PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
    'advertised.listeners': `PLAINTEXT://127.0.0.1:${port}`,
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'PLAINTEXT',
    'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'log.dirs': dataDir,
    'offsets.topic.replication.factor': '1',
    // One partition instead of 50 for the consumer offsets: the first consumer group is ready in a moment.
    'offsets.topic.num.partitions': '1',
    'transaction.state.log.replication.factor': '1',
    'transaction.state.log.min.isr': '1',
    'transaction.state.log.num.partitions': '1',
    'share.coordinator.state.topic.replication.factor': '1',
    'share.coordinator.state.topic.min.isr': '1',
    'group.initial.rebalance.delay.ms': '0',
    // After a kill, the controller holds the dead broker's registration until its session times out (default 9 s):
    // a shorter session lets restart() come back in about 3 s.
    'broker.session.timeout.ms': '3000',
    'broker.heartbeat.interval.ms': '500',
  };
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1', timeout: 1000 });
    const settle = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.once('connect', () => settle(true));
    socket.once('error', () => settle(false));
    socket.once('timeout', () => settle(true));
  });
}

function lastLines(file: string, count = 40): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-count).join('\n');
  } catch {
    return '(no output)';
  }
}

/**
 * TEST_POSTGRES_PORT + 2000 + 10 x the vitest worker's number: test files run side by side in several workers, each
 * of which may start a broker, and a worker runs its files one after another (each stops its broker when done).
 * The ports from + 2000 to + 2009 stay free for a file that runs several brokers at once and picks its own.
 */
function defaultKafkaPort(): number {
  const worker = Number(process.env.VITEST_POOL_ID ?? 1);
  return Number(process.env.TEST_POSTGRES_PORT ?? defaultPostgresPort) + 2000 + 10 * worker;
}

/**
 * A real Apache Kafka broker (KRaft, broker and controller in one JVM) as a child of the test process, on
 * 127.0.0.1:<port> (default: see defaultKafkaPort) and its controller on the next port, with its data in a
 * fresh temporary folder. Resolves once the broker answers a Metadata request.
 */
export async function startTestKafka(options: { port?: number } = {}): Promise<TestKafka> {
  const port = options.port ?? defaultKafkaPort();
  if (!existsSync(kafkaLibs())) {
    throw new Error(`Apache Kafka's broker jars are missing (no ${kafkaLibs()}): ${kafkaInstallHint()}.`);
  }
  const directory = mkdtempSync(join(tmpdir(), 'test-kafka-'));
  const dataDir = join(directory, 'data');
  const configFile = join(directory, 'server.properties');
  const log4jFile = join(directory, 'log4j2.properties');
  const logFile = join(directory, 'broker.log');
  writeFileSync(configFile, renderProperties(brokerProperties(port, dataDir)));
  writeFileSync(log4jFile, log4jProperties());
  const argv = brokerArgv({
    configFile,
    log4jFile,
    metadataDir: dataDir,
    clusterId: 'conduit-test-kafka-one',
    jvmOptions,
  });

  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  // A test process that ends without stop() must not leave a broker holding the port for the next run.
  const killOnExit = () => child?.kill('SIGKILL');
  process.once('exit', killOnExit);

  const running = () => child !== undefined && child.exitCode === null && child.signalCode === null;

  async function start(): Promise<void> {
    if (await listening(port)) {
      throw new Error(
        `Port ${port} on 127.0.0.1 is taken (a broker another run left behind?): stop that process, or pass another port to startTestKafka.`,
      );
    }
    const output = openSync(logFile, 'a');
    // The JVM dies with the test process even when that one is killed before it can stop the broker.
    const broker = spawn('setpriv', ['--pdeathsig', 'KILL', '--', ...argv], {
      stdio: ['ignore', output, output],
    });
    closeSync(output);
    child = broker;
    exited = new Promise((resolve) => broker.once('exit', () => resolve()));
    const deadline = Date.now() + readyWithinMs;
    while (!(await brokerAnswers(port))) {
      if (!running() || Date.now() > deadline) {
        broker.kill('SIGKILL');
        await exited;
        throw new Error(
          `The test Kafka broker did not answer on 127.0.0.1:${port} within ${readyWithinMs / 1000} s (is its controller port ${port + 1} taken? Pass another port to startTestKafka). Its log, ${logFile}, ends:\n${lastLines(logFile)}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async function halt(): Promise<void> {
    if (!running()) return;
    child?.kill('SIGTERM');
    const timer = setTimeout(() => child?.kill('SIGKILL'), stopWithinMs);
    await exited;
    clearTimeout(timer);
  }

  await start().catch((error: unknown) => {
    process.off('exit', killOnExit);
    rmSync(directory, { recursive: true, force: true });
    throw error;
  });
  return {
    brokers: [`127.0.0.1:${port}`],
    async stop() {
      await halt();
      process.off('exit', killOnExit);
      rmSync(directory, { recursive: true, force: true });
    },
    async restart() {
      await halt();
      await start();
    },
    async kill() {
      if (!running()) return;
      child?.kill('SIGKILL');
      await exited;
    },
  };
}
