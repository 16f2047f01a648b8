import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Admin, Consumer, Producer, stringDeserializers, stringSerializers } from '@platformatic/kafka';
import { describe, expect, it } from 'vitest';
import { stackRestart } from '../src/index.ts';
import { propertyOfVariable } from '../src/kafka-broker.ts';
import { fixtureStackDuringTests } from './support/fixture-stack.ts';
import { fixtureStage, fixturesDir } from './support/fixture-stage.ts';
import { listeningAddresses, loopbackAddresses } from './support/listening-addresses.ts';

const stage = fixtureStage(join(fixturesDir, 'kafka', 'docker-compose.yml'), 'kafka');
const brokers = ['127.0.0.1:19592'];
const quiet = { output: () => {} };

async function withAdmin<T>(use: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = new Admin({ clientId: 'kafka-kind-test', bootstrapBrokers: brokers });
  try {
    return await use(admin);
  } finally {
    await admin.close();
  }
}

async function readFirst(topic: string): Promise<string> {
  const consumer = new Consumer({
    groupId: `kafka-kind-test-${Date.now()}`,
    clientId: 'kafka-kind-test',
    bootstrapBrokers: brokers,
    deserializers: stringDeserializers,
  });
  try {
    const stream = await consumer.consume({ topics: [topic], mode: 'earliest' });
    try {
      for await (const message of stream) return message.value;
      throw new Error(`The topic ${topic} ended without a message.`);
    } finally {
      await stream.close();
    }
  } finally {
    await consumer.close();
  }
}

describe('the image convention for broker properties', () => {
  it('When a KAFKA_ variable has single, double and triple underscores, then they become dots, underscores and dashes', () => {
    expect(propertyOfVariable('KAFKA_LOG_DIRS')).toBe('log.dirs');
    expect(propertyOfVariable('KAFKA_LISTENER_NAME_PLAINTEXT__HOST_SASL')).toBe(
      'listener.name.plaintext_host.sasl',
    );
    expect(propertyOfVariable('KAFKA_SOME___DASHED_NAME')).toBe('some-dashed.name');
  });
});

describe('Kafka in the fixture stack', () => {
  const services = fixtureStackDuringTests(stage, 85_000);

  it('When the stack is up, then the apache/kafka service runs from the Maven jars as the kafka kind, ready', () => {
    expect(services().map((row) => [row.instance, row.kind, row.state])).toEqual([
      ['events', 'kafka', 'ready'],
    ]);
  });

  it('When the broker listens, then its broker and controller ports are on the loopback address only', () => {
    for (const port of [19592, 19593]) {
      const addresses = listeningAddresses(port);
      expect(addresses.length).toBeGreaterThan(0);
      for (const address of addresses) expect(loopbackAddresses).toContain(address);
    }
  });

  it('When a topic is created without a partition count, then it gets KAFKA_NUM_PARTITIONS from the environment', async () => {
    const topic = `kind-default-${Date.now()}`;
    const metadata = await withAdmin(async (admin) => {
      await admin.createTopics({ topics: [topic] });
      return admin.metadata({ topics: [topic] });
    });
    expect(metadata.topics.get(topic)?.partitionsCount).toBe(3);
  });

  it('When the service restarts, then its storage in the named volume was formatted once and keeps the messages', async () => {
    const topic = `kind-kept-${Date.now()}`;
    await withAdmin((admin) => admin.createTopics({ topics: [topic], partitions: 1, replicas: 1 }));
    const producer = new Producer({
      clientId: 'kafka-kind-test',
      bootstrapBrokers: brokers,
      serializers: stringSerializers,
      idempotent: true,
    });
    try {
      await producer.send({ messages: [{ topic, key: 'k', value: 'kept' }] });
    } finally {
      await producer.close();
    }
    const metaProperties = join(stage.stateDir, 'volumes', 'eventsdata', 'meta.properties');
    const formatted = readFileSync(metaProperties, 'utf8');
    await stackRestart(stage, 'events', quiet);
    expect(existsSync(metaProperties)).toBe(true);
    expect(readFileSync(metaProperties, 'utf8')).toBe(formatted);
    expect(await readFirst(topic)).toBe('kept');
  }, 90_000);
});
