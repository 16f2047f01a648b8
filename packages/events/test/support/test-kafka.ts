import { startTestKafka, type TestKafka } from '@scaling/testing';

const defaultPostgresPort = 25432;

/**
 * A broker for one test file: slot n (1, 2, ...) takes TEST_POSTGRES_PORT + 2000 + 2n and the next port for its
 * controller. Slot 0 would be startTestKafka's default, which other packages' test files use while these run.
 */
export function startKafkaInSlot(slot: number): Promise<TestKafka> {
  const base = Number(process.env.TEST_POSTGRES_PORT ?? defaultPostgresPort) + 2000;
  return startTestKafka({ port: base + 2 * slot });
}
