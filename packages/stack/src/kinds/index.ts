import type { ComposeService } from '../compose.ts';
import type { ServiceKind } from '../types.ts';
import { kafkaKind } from './kafka.ts';
import { nginxKind } from './nginx.ts';
import { nginxExporterKind } from './nginx-exporter.ts';
import { nodeKind } from './node.ts';
import { pgbouncerKind } from './pgbouncer.ts';
import { pgbouncerExporterKind } from './pgbouncer-exporter.ts';
import { postgresKind } from './postgres.ts';
import { postgresExporterKind } from './postgres-exporter.ts';
import { postgresReplicaKind } from './postgres-replica.ts';
import { prometheusKind } from './prometheus.ts';
import { redisKind } from './redis.ts';
import { redisExporterKind } from './redis-exporter.ts';
import { toxiproxyKind } from './toxiproxy.ts';
import { varnishKind } from './varnish.ts';
import { zipkinKind } from './zipkin.ts';

/** Checked in order; later stages add their servers (kafka, ...) here. */
export const serviceKinds: ServiceKind[] = [
  // Before postgresKind: a replica runs the same image.
  postgresReplicaKind,
  postgresKind,
  pgbouncerKind,
  redisKind,
  nginxKind,
  prometheusKind,
  postgresExporterKind,
  pgbouncerExporterKind,
  redisExporterKind,
  nginxExporterKind,
  zipkinKind,
  kafkaKind,
  varnishKind,
  toxiproxyKind,
  nodeKind,
];

export function kindOf(name: string, service: ComposeService): ServiceKind {
  const kind = serviceKinds.find((candidate) => candidate.matches(service));
  if (!kind) {
    throw new Error(
      `Service "${name}" (${service.image ?? 'no image'}) has no native launcher: add one to packages/stack/src/kinds/ or use "build:".`,
    );
  }
  return kind;
}
