import { Admin } from '@platformatic/kafka';
import { startTestKafka, type TestKafka } from '@scaling/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findMessage, produceRaw, watchKafka } from '../src/kafka-watch.ts';

/** Its own port, apart from startTestKafka's default and @scaling/events' slots: test files of a run start together. */
const kafkaPort = Number(process.env.TEST_POSTGRES_PORT ?? 25432) + 2010;

describe('The bench reading a Kafka broker', () => {
  let kafka: TestKafka;
  let admin: Admin;
  const topic = 'bench.watch';

  beforeAll(async () => {
    kafka = await startTestKafka({ port: kafkaPort });
    admin = new Admin({ clientId: 'bench-test', bootstrapBrokers: kafka.brokers });
    await admin.createTopics({ topics: [topic], partitions: 2, replicas: 1 });
  }, 120_000);

  afterAll(async () => {
    await admin?.close();
    await kafka?.stop();
  });

  it('When a group committed part of a topic, then its lag is what it has not committed, and a group that never committed owes everything', async () => {
    const sent = [];
    for (let n = 0; n < 5; n++)
      sent.push(await produceRaw(kafka.brokers, { topic, key: `k${n}`, value: `v${n}` }));
    const first = sent[0] as { partition: number; offset: string };
    await admin.alterConsumerGroupOffsets({
      groupId: 'half-way',
      topics: [
        {
          name: topic,
          partitionOffsets: [{ partition: first.partition, offset: BigInt(first.offset) + 1n }],
        },
      ],
    });
    const watch = watchKafka(kafka.brokers);

    const fresh = await watch.lag('never-committed', topic);
    const halfWay = await watch.lag('half-way', topic);
    await watch.close();

    expect(fresh.total).toBe(5);
    expect(halfWay.total).toBe(4);
  }, 60_000);

  it('When a message with a key is on a topic, then findMessage returns it with its headers, and gives up on a key never sent', async () => {
    await produceRaw(kafka.brokers, { topic, key: 'needle', value: 'x', headers: { tries: '3' } });

    const found = await findMessage(kafka.brokers, topic, 'needle', 30_000);
    const missing = await findMessage(kafka.brokers, topic, 'absent', 3_000);

    expect(found?.headers).toEqual({ tries: '3' });
    expect(missing).toBeUndefined();
  }, 60_000);
});
