import { debianExporterKind } from './exporter.ts';

/**
 * prometheuscommunity/postgres-exporter, which finds Postgres in DATA_SOURCE_NAME, or DATA_SOURCE_URI with
 * DATA_SOURCE_USER / DATA_SOURCE_PASS (addresses already mapped to the native Postgres).
 */
export const postgresExporterKind = debianExporterKind({
  name: 'postgres-exporter',
  image: 'postgres-exporter',
  imagePort: 9187,
});
