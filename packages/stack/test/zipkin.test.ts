import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixtureStackDuringTests } from './support/fixture-stack.ts';
import { fixtureStage, fixturesDir } from './support/fixture-stage.ts';
import { listeningAddresses, loopbackIpv4MappedIpv6 } from './support/listening-addresses.ts';

const stage = fixtureStage(join(fixturesDir, 'zipkin', 'docker-compose.yml'), 'zipkin');
const zipkin = 'http://127.0.0.1:19498';

describe('Zipkin in the fixture stack', () => {
  const services = fixtureStackDuringTests(stage, 85_000);

  it('When the stack is up, then the openzipkin/zipkin service runs from the jar as the zipkin kind, ready on its /health', () => {
    expect(services().map((row) => [row.instance, row.kind, row.state])).toEqual([
      ['tracing', 'zipkin', 'ready'],
    ]);
  });

  it('When Zipkin listens, then it is on the loopback address only, as the compose file publishes it', () => {
    expect(listeningAddresses(19498).sort()).toEqual([loopbackIpv4MappedIpv6]);
  });

  it('When a span is posted to its collector, then its query API returns it', async () => {
    const traceId = randomBytes(16).toString('hex');
    const span = {
      traceId,
      id: randomBytes(8).toString('hex'),
      name: 'get /api/tags',
      kind: 'SERVER',
      timestamp: Date.now() * 1000,
      duration: 1500,
      localEndpoint: { serviceName: 'fixture' },
    };
    const posted = await fetch(`${zipkin}/api/v2/spans`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([span]),
    });
    expect(posted.status).toBe(202);
    let stored: { id: string }[] = [];
    for (let attempt = 0; attempt < 20 && stored.length === 0; attempt++) {
      const response = await fetch(`${zipkin}/api/v2/trace/${traceId}`);
      stored = response.ok ? ((await response.json()) as { id: string }[]) : [];
      if (stored.length === 0) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(stored.map((row) => row.id)).toEqual([span.id]);
  });
});
