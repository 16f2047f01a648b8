import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ContainerInspect } from '../../src/docker-actuator.ts';

/** A container as the fake Engine keeps it: its inspect document. */
export type FakeContainer = ContainerInspect;

export interface RecordedRequest {
  method: string;
  /** The path without its query. */
  path: string;
  query: URLSearchParams;
  body: unknown;
}

export interface FakeEngineBehaviour {
  /** What a started container's health becomes after it has been inspected this many times while starting. */
  healthAfterInspections?: { status: 'healthy' | 'unhealthy'; inspections: number };
  /** The exit code of every exec (nginx -s reload). */
  execExitCode?: number;
}

export interface FakeDockerEngine {
  socketPath: string;
  requests: RecordedRequest[];
  containers: Map<string, FakeContainer>;
  behaviour: FakeEngineBehaviour;
  close(): Promise<void>;
}

const json = (response: ServerResponse, status: number, body: unknown) =>
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));

const labelsMatch = (container: FakeContainer, filters: string[]) =>
  filters.every((filter) => {
    const [key, value] = filter.split('=') as [string, string];
    return container.Config.Labels?.[key] === value;
  });

/**
 * The few Docker Engine API endpoints the docker actuator uses, over a unix socket, with containers kept in memory:
 * the Engine is outside the system under test, so this plays it and records every request in order.
 */
export async function startFakeDockerEngine(initial: FakeContainer[]): Promise<FakeDockerEngine> {
  const directory = mkdtempSync(join(tmpdir(), 'fake-docker-'));
  const socketPath = join(directory, 'docker.sock');
  const containers = new Map(initial.map((container) => [container.Id, structuredClone(container)]));
  const requests: RecordedRequest[] = [];
  const behaviour: FakeEngineBehaviour = {};
  const inspections = new Map<string, number>();
  let created = 0;

  const find = (idOrName: string) =>
    containers.get(idOrName) ??
    [...containers.values()].find(
      (container) => container.Name === `/${idOrName}` || container.Id.startsWith(idOrName),
    );

  async function handle(request: IncomingMessage, response: ServerResponse, body: unknown) {
    const url = new URL(request.url ?? '/', 'http://docker');
    const parts = url.pathname.split('/').filter(Boolean);
    requests.push({ method: request.method ?? '', path: url.pathname, query: url.searchParams, body });
    const [resource, id, action] = parts;
    const container = resource === 'containers' && id ? find(id) : undefined;

    if (request.method === 'GET' && resource === 'containers' && id === 'json') {
      const filters = JSON.parse(url.searchParams.get('filters') ?? '{}') as { label?: string[] };
      const all = url.searchParams.get('all') === 'true';
      const list = [...containers.values()]
        .filter((candidate) => all || candidate.State.Running)
        .filter((candidate) => labelsMatch(candidate, filters.label ?? []))
        .map((candidate) => ({ Id: candidate.Id, Labels: candidate.Config.Labels ?? {} }));
      return json(response, 200, list);
    }
    if (request.method === 'POST' && resource === 'containers' && id === 'create') {
      created += 1;
      const spec = body as FakeContainer['Config'] & {
        HostConfig: FakeContainer['HostConfig'];
        NetworkingConfig: { EndpointsConfig: Record<string, { Aliases: string[] }> };
      };
      const { HostConfig, NetworkingConfig, ...config } = spec;
      const newId = `${'c'.repeat(60)}${String(created).padStart(4, '0')}`;
      containers.set(newId, {
        Id: newId,
        Name: `/${url.searchParams.get('name')}`,
        Config: { ...config, Hostname: newId.slice(0, 12) },
        HostConfig,
        NetworkSettings: { Networks: NetworkingConfig.EndpointsConfig },
        State: { Running: false, Status: 'created' },
      });
      return json(response, 201, { Id: newId, Warnings: [] });
    }
    if (!container && resource === 'containers') {
      return json(response, 404, { message: `No such container: ${id}` });
    }
    if (container && request.method === 'GET' && action === 'json') {
      const seen = (inspections.get(container.Id) ?? 0) + 1;
      inspections.set(container.Id, seen);
      const turn = behaviour.healthAfterInspections;
      if (turn && container.State.Health?.Status === 'starting' && seen >= turn.inspections) {
        container.State.Health = { Status: turn.status };
      }
      return json(response, 200, container);
    }
    if (container && request.method === 'POST' && action === 'start') {
      container.State = {
        Running: true,
        Status: 'running',
        ...(container.Config.Healthcheck ? { Health: { Status: 'starting' } } : {}),
      };
      return response.writeHead(204).end();
    }
    if (container && request.method === 'POST' && action === 'stop') {
      container.State = { Running: false, Status: 'exited' };
      return response.writeHead(204).end();
    }
    if (container && request.method === 'DELETE') {
      containers.delete(container.Id);
      return response.writeHead(204).end();
    }
    if (container && request.method === 'POST' && action === 'exec') {
      return json(response, 201, { Id: `exec-${requests.length}` });
    }
    if (request.method === 'POST' && resource === 'exec' && action === 'start') {
      const failed = (behaviour.execExitCode ?? 0) !== 0;
      const text = failed ? 'nginx: [emerg] host not found in upstream "app:8080"\n' : '';
      // One frame of Docker's multiplexed stream: stream type, three zero bytes, the length, then the text.
      const header = Buffer.from([failed ? 2 : 1, 0, 0, 0, 0, 0, 0, 0]);
      header.writeUInt32BE(Buffer.byteLength(text), 4);
      response.writeHead(200, { 'content-type': 'application/vnd.docker.multiplexed-stream' });
      return response.end(Buffer.concat([header, Buffer.from(text)]));
    }
    if (request.method === 'GET' && resource === 'exec' && action === 'json') {
      return json(response, 200, { ExitCode: behaviour.execExitCode ?? 0, Running: false });
    }
    if (request.method === 'POST' && resource === 'networks' && action === 'connect') {
      return response.writeHead(200).end();
    }
    return json(response, 404, {
      message: `The fake Engine does not play ${request.method} ${url.pathname}.`,
    });
  }

  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      void handle(request, response, text ? JSON.parse(text) : undefined);
    });
  });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  return {
    socketPath,
    requests,
    containers,
    behaviour,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
