import { startTestKafka, type TestKafka } from '@scaling/testing';

const defaultPostgresPort = 25432;

/**
 * A broker for one test file: slot n takes TEST_POSTGRES_PORT + 2000 + 2n (and the next port for its controller),
 * so this package's files run in parallel without sharing a broker's topics.
 */
export function startKafkaInSlot(slot: number): Promise<TestKafka> {
  const base = Number(process.env.TEST_POSTGRES_PORT ?? defaultPostgresPort) + 2000;
  return startTestKafka({ port: base + 2 * slot });
}
