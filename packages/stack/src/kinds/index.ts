import type { ComposeService } from '../compose.ts';
import type { ServiceKind } from '../types.ts';
import { nginxKind } from './nginx.ts';
import { nodeKind } from './node.ts';
import { pgbouncerKind } from './pgbouncer.ts';
import { postgresKind } from './postgres.ts';
import { redisKind } from './redis.ts';
import { zipkinKind } from './zipkin.ts';

/** Checked in order; later stages add their servers (kafka, ...) here. */
export const serviceKinds: ServiceKind[] = [
  postgresKind,
  pgbouncerKind,
  redisKind,
  nginxKind,
  zipkinKind,
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
