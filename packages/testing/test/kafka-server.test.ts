import { connect } from 'node:net';
import { Admin, Consumer, Producer, stringDeserializers, stringSerializers } from '@platformatic/kafka';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniqueSuffix } from '../src/factories.ts';
import { startTestKafka, type TestKafka } from '../src/kafka-server.ts';

function refusesConnections(address: string): Promise<boolean> {
  const [host, port] = address.split(':') as [string, string];
  return new Promise((resolve) => {
    const socket = connect({ host, port: Number(port), timeout: 1000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

async function createTopic(brokers: string[]): Promise<string> {
  const topic = `test-kafka-${uniqueSuffix()}`;
  const admin = new Admin({ clientId: 'test-kafka-admin', bootstrapBrokers: brokers });
  try {
    await admin.createTopics({ topics: [topic], partitions: 2, replicas: 1 });
  } finally {
    await admin.close();
  }
  return topic;
}

async function produce(brokers: string[], topic: string, value: string): Promise<void> {
  const producer = new Producer({
    clientId: 'test-kafka-producer',
    bootstrapBrokers: brokers,
    serializers: stringSerializers,
    idempotent: true,
  });
  try {
    await producer.send({ messages: [{ topic, key: 'k', value }] });
  } finally {
    await producer.close();
  }
}

async function firstValue(brokers: string[], topic: string): Promise<string> {
  const consumer = new Consumer({
    groupId: `test-kafka-${uniqueSuffix()}`,
    clientId: 'test-kafka-consumer',
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

describe('startTestKafka', () => {
  let kafka: TestKafka;
  beforeAll(async () => {
    kafka = await startTestKafka();
  });
  afterAll(() => kafka?.stop());

  it('When a topic is created and a message produced, then a consumer reads it back', async () => {
    const topic = await createTopic(kafka.brokers);
    await produce(kafka.brokers, topic, 'hello');
    expect(await firstValue(kafka.brokers, topic)).toBe('hello');
  });

  it('When the broker is killed, then it refuses connections, and after restart it still has its messages', async () => {
    const topic = await createTopic(kafka.brokers);
    await produce(kafka.brokers, topic, 'kept');
    await kafka.kill();
    expect(await refusesConnections(kafka.brokers[0] as string)).toBe(true);
    await kafka.restart();
    expect(await firstValue(kafka.brokers, topic)).toBe('kept');
  }, 90_000);
});
