import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCompose, planStack, repoRoot, type StageRef } from '../src/index.ts';
import type { NativeConfigContext } from '../src/native-config.ts';
import { nativeToxiproxyConfig } from '../src/toxiproxy-config.ts';
import { nativeVcl } from '../src/varnish-vcl.ts';

const nodePath = '/opt/node24/bin/node';
const stage: StageRef = { name: 'plans', root: repoRoot, composeFile: 'unused', stateDir: '/tmp/plans' };
const stageHba = join(repoRoot, 'stages', '04-cache-replicas-cdn', 'config', 'postgres', 'pg_hba.conf');

function configContext(overrides: Partial<NativeConfigContext> = {}): NativeConfigContext {
  return {
    service: 'edge',
    ports: [{ container: 8666, host: 18666 }],
    published: new Map([
      ['toxiproxy', [{ container: 8666, host: 18666 }]],
      ['nginx', [{ container: 8080, host: 18080 }]],
      ['web', [{ container: 80, host: 18099 }]],
    ]),
    replicaPorts: new Map([['app', [[{ container: 8080, host: 8081 }], [{ container: 8080, host: 8082 }]]]]),
    mounts: [],
    directory: '/tmp/plans/services/edge',
    ...overrides,
  };
}

describe('a VCL rewritten for a native run', () => {
  it('When a backend names a service and port, then only its host and port change, past probes and comments', () => {
    const vcl = `vcl 4.1;
backend origin {
    # braces in a comment { are not the block's
    .host = "toxiproxy";
    .port = "8666";
    .probe = { .request = "GET /} HTTP/1.1" "Host: x"; .interval = 2s; }
}
backend external { .host = "192.0.2.10"; .port = "8666"; }
sub vcl_recv { set req.http.X-Host = "toxiproxy"; }
`;
    expect(nativeVcl(vcl, configContext())).toBe(
      vcl.replace('.host = "toxiproxy";\n    .port = "8666";', '.host = "127.0.0.1";\n    .port = "18666";'),
    );
  });

  it('When a backend names a service without a port, then it gets the native port of port 80', () => {
    expect(nativeVcl('backend b {\n  .host = "web";\n}\n', configContext())).toBe(
      'backend b {\n  .host = "127.0.0.1"; .port = "18099";\n}\n',
    );
  });

  it('When a backend names a replicated service, then planning says to reach it through a balancer', () => {
    expect(() => nativeVcl('backend b { .host = "app"; .port = "8080"; }', configContext())).toThrow(
      /several replicas natively.*balancer/,
    );
  });
});

describe("toxiproxy's proxies rewritten for a native run", () => {
  it('When a proxy listens on an exposed port, then it listens on 127.0.0.1 and its native port and reaches a native upstream', () => {
    const config =
      '[{ "name": "origin", "listen": "0.0.0.0:8666", "upstream": "nginx:8080", "enabled": true }]';
    expect(JSON.parse(nativeToxiproxyConfig(config, configContext()))).toEqual([
      { name: 'origin', listen: '127.0.0.1:18666', upstream: '127.0.0.1:18080', enabled: true },
    ]);
  });

  it('When a proxy listens on a port without a native port, then the error names x-native-ports', () => {
    const config = '[{ "name": "db", "listen": "0.0.0.0:5433", "upstream": "nginx:8080" }]';
    expect(() => nativeToxiproxyConfig(config, configContext())).toThrow(
      /"db" listening on 5433 without a native port: add "5433" to its expose and x-native-ports/,
    );
  });

  it('When the file is not a list of proxies, then the error says what it must hold', () => {
    expect(() => nativeToxiproxyConfig('{ "origin": {} }', configContext())).toThrow(
      /not a list of \{ "name", "listen", "upstream" \} proxies/,
    );
  });
});

describe('x-native-ports', () => {
  const withPorts = (ports: string, extra = '') =>
    parseCompose(`
services:
  proxy: { image: "ghcr.io/shopify/toxiproxy:2.12.0", expose: ["8666", "8474"], x-native-ports: ${ports} ${extra} }
`);

  it('When a service exposes two ports, then each listens natively on the port the map gives it', () => {
    const [proxy] = planStack(withPorts('{ "8666": 18666, "8474": 18474 }'), stage, { nodePath }).services;
    expect(proxy?.instances[0]?.ports).toEqual([
      { container: 8666, host: 18666 },
      { container: 8474, host: 18474 },
    ]);
    expect(proxy?.probe).toEqual({ type: 'http', url: 'http://127.0.0.1:18474/version' });
  });

  it('When an exposed port is missing from the map, then planning says to add it', () => {
    expect(() => planStack(withPorts('{ "8666": 18666 }'), stage, { nodePath })).toThrow(
      /exposes 8474 without a native port: add "8474": <host port> to its x-native-ports/,
    );
  });

  it('When the map names a port the service does not expose, then planning says to expose it', () => {
    expect(() =>
      planStack(withPorts('{ "8666": 18666, "8474": 18474, "9000": 19000 }'), stage, { nodePath }),
    ).toThrow(/maps 9000 in x-native-ports but does not expose it/);
  });

  it('When a service with the map has replicas, then planning refuses, since one process holds each port', () => {
    expect(() =>
      planStack(withPorts('{ "8666": 18666, "8474": 18474 }', ', deploy: { replicas: 2 }'), stage, {
        nodePath,
      }),
    ).toThrow(/x-native-ports, which only one process can hold/);
  });
});

describe('a postgres-replica service', () => {
  const replicaCompose = (environment: string, replicaOf = 'db') =>
    parseCompose(`
services:
  db:
    image: postgres:15
    command: [postgres, -c, hba_file=/etc/postgresql/pg_hba.conf]
    environment: { POSTGRES_PASSWORD: owner-secret }
    expose: ["5432"]
    x-native-port: 15470
    volumes: ["${stageHba}:/etc/postgresql/pg_hba.conf:ro", "dbdata:/var/lib/postgresql/data"]
  replica:
    image: postgres:15
    x-replica-of: ${replicaOf}
    command: [postgres, -c, hba_file=/etc/postgresql/pg_hba.conf]
    environment: ${environment}
    expose: ["5432"]
    x-native-port: 15471
    volumes: ["${stageHba}:/etc/postgresql/pg_hba.conf:ro", "replicadata:/var/lib/postgresql/data"]
    depends_on: { db: { condition: service_healthy } }
`);
  const environment =
    '{ PRIMARY_HOST: db, PRIMARY_PORT: "5432", REPLICATION_USER: rep, REPLICATION_PASSWORD: rep-secret, REPLICATION_SLOT: replica_1 }';

  it('When planned, then it is copied from the primary native port into its volume and reads its own hba copy', () => {
    const replica = planStack(replicaCompose(environment), stage, { nodePath }).services.find(
      (service) => service.name === 'replica',
    );
    expect(replica?.kind).toBe('postgres-replica');
    expect(replica?.standby).toEqual({
      dataDir: '/tmp/plans/volumes/replicadata',
      primary: { host: '127.0.0.1', port: 15470, user: 'rep', password: 'rep-secret', slot: 'replica_1' },
    });
    const hbaCopy = '/tmp/plans/services/replica/mounts/etc/postgresql/pg_hba.conf';
    expect(replica?.argv).toContain(`hba_file=${hbaCopy}`);
    expect(replica?.argv.join(' ')).toContain('-D /tmp/plans/volumes/replicadata -p 15471');
    expect(Object.keys(replica?.setup?.files ?? {})).toEqual(['mounts/etc/postgresql/pg_hba.conf']);
    expect(replica?.probe).toEqual({
      type: 'query',
      url: 'postgres://rep:rep-secret@127.0.0.1:15471/postgres',
    });
    expect(replica?.postgres).toBeUndefined();
  });

  it('When its replication password is missing, then planning names the variables its entrypoint reads', () => {
    expect(() =>
      planStack(replicaCompose('{ PRIMARY_HOST: db, REPLICATION_USER: rep }'), stage, { nodePath }),
    ).toThrow(/needs REPLICATION_PASSWORD in its environment/);
  });

  it('When PRIMARY_HOST names another service than x-replica-of, then planning says to make them agree', () => {
    expect(() =>
      planStack(
        replicaCompose('{ PRIMARY_HOST: other, REPLICATION_USER: rep, REPLICATION_PASSWORD: x }'),
        stage,
        { nodePath },
      ),
    ).toThrow(/replicates "db" \(x-replica-of\) but its PRIMARY_HOST is "other"/);
  });

  it('When its slot name is not a valid slot name, then planning says which characters are allowed', () => {
    expect(() =>
      planStack(
        replicaCompose('{ REPLICATION_USER: rep, REPLICATION_PASSWORD: x, REPLICATION_SLOT: Replica-1 }'),
        stage,
        { nodePath },
      ),
    ).toThrow(/lower-case letters, digits and "_" only/);
  });
});
