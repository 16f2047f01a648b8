import { Consumer, type Message, type MessagesStream, stringDeserializers } from '@platformatic/kafka';
import { uniqueSuffix } from '@scaling/testing';

export type ReadMessage = Message<string, string, string, string>;

export interface TopicReader {
  /** Every message read so far, in the order it arrived. */
  readonly messages: ReadMessage[];
  stop(): Promise<void>;
}

/** Reads `topics` from their beginning in the background, as an outside observer with a group of its own. */
export async function startTopicReader(brokers: string[], topics: string[]): Promise<TopicReader> {
  const consumer = new Consumer({
    groupId: `test-reader-${uniqueSuffix()}`,
    clientId: 'events-test-reader',
    bootstrapBrokers: brokers,
    deserializers: stringDeserializers,
    maxWaitTime: 200,
    retries: 20,
    retryDelay: 500,
  });
  const messages: ReadMessage[] = [];
  const stream: MessagesStream<string, string, string, string> = await consumer.consume({
    topics,
    mode: 'earliest',
  });
  stream.on('data', (message: ReadMessage) => messages.push(message));
  stream.on('error', () => {});
  return {
    messages,
    async stop() {
      await stream.close().catch(() => {});
      await consumer.close(true).catch(() => {});
    },
  };
}
