import { type ChildPrometheus, startChildPrometheus } from '@scaling/testing';
import { afterAll, beforeAll } from 'vitest';
import { serveDuringTests } from './test-server.ts';

export { freePort } from '@scaling/testing';

/**
 * For the tests of the enclosing `describe`: a tiny HTTP target answering `/metrics` with `exposition(n)` at its
 * n-th scrape, and a Prometheus scraping it every second, started once it has two samples.
 */
export function usePrometheusScraping(exposition: (scrape: number) => string): { readonly url: string } {
  let scrapes = 0;
  const target = serveDuringTests((_request, response) => {
    scrapes += 1;
    response.setHeader('content-type', 'text/plain; version=0.0.4');
    response.end(exposition(scrapes));
  });
  let prometheus: ChildPrometheus | undefined;
  beforeAll(async () => {
    prometheus = await startChildPrometheus([{ job: 'demo', address: new URL(target.baseUrl).host }]);
  }, 30_000);
  afterAll(() => prometheus?.stop());
  return {
    get url() {
      return prometheus?.url ?? '';
    },
  };
}
