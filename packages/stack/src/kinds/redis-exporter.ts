import { debianExporterKind } from './exporter.ts';

/** oliver006/redis_exporter, which finds Redis in REDIS_ADDR (mapped to the native Redis) and REDIS_PASSWORD. */
export const redisExporterKind = debianExporterKind({
  name: 'redis-exporter',
  image: 'redis_exporter',
  imagePort: 9121,
  listenVariable: 'REDIS_EXPORTER_WEB_LISTEN_ADDRESS',
});
