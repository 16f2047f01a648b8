import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { postgresPlugin, runMigrations } from '../db/src/index.ts';
import { createMemorySessionStore } from '../sessions/src/index.ts';
import { startChildPostgres } from '../stack/src/index.ts';
import { conduit } from './src/index.ts';

const root = mkdtempSync(join(tmpdir(), 'conduit-dev-pg-'));
chmodSync(root, 0o755);
const server = await startChildPostgres(
  { dataDir: join(root, 'data'), port: 25443, user: 'conduit', password: 'conduit', database: 'conduit_dev' },
  ['-c', 'fsync=off'],
);
await runMigrations(server.url());
await runMigrations(server.url());
const app = Fastify({ logger: { level: 'warn' } });
await app.register(postgresPlugin, { connectionString: server.url() });
await app.register(conduit, { sessions: createMemorySessionStore() });
await app.listen({ port: 18080, host: '127.0.0.1' });
console.log('listening');
const stop = async () => {
  await app.close();
  await server.stop();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
