/** The topics one consumer group owns besides the events topic: two delayed retries and the dead letters. */
export function retryTopics(group: string) {
  return {
    retry1: `${group}.retry-1`,
    retry2: `${group}.retry-2`,
    deadLetters: `${group}.dlt`,
  };
}

/** Header names a failed message carries on its way through the retry topics to the dead-letter topic. */
export const failureHeaders = {
  error: 'error',
  errorCode: 'error-code',
  tries: 'tries',
  originalTopic: 'original-topic',
  originalPartition: 'original-partition',
  originalOffset: 'original-offset',
  notBefore: 'not-before',
} as const;

/** Tries an event gets before it goes to the dead-letter topic: the first delivery and the two retries. */
export const maxTries = 3;
