import Fastify from 'fastify';

// The reference point of the cached-read experiment: Fastify answering a constant, with nothing else (no logging,
// metrics, tracing, sessions or cache), as fast as this CPU allows. Prints its port once listening.

const app = Fastify({ logger: false });
app.get('/', async () => ({ hello: 'world' }));
const address = await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT ?? 0) });
console.log(JSON.stringify({ listening: address }));

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    void app.close().then(() => process.exit(0));
  });
}
