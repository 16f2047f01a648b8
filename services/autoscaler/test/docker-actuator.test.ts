import { afterEach, describe, expect, it } from 'vitest';
import type { ActuatorError } from '../src/actuator.ts';
import { composeLabels, createDockerActuator } from '../src/docker-actuator.ts';
import { createDockerEngine } from '../src/docker-engine.ts';
import {
  type FakeContainer,
  type FakeDockerEngine,
  startFakeDockerEngine,
} from './support/fake-docker-engine.ts';

const project = 'stage05';
const network = `${project}_default`;

/** A running container of `service` as docker compose makes it, numbered `number`. */
function buildContainer(
  service: string,
  number: number,
  overrides: { running?: boolean; healthcheck?: boolean; stopTimeout?: number } = {},
): FakeContainer {
  const id = `${service.padEnd(4, 'x')}${String(number).padStart(60, '0')}`;
  const name = `${project}-${service}-${number}`;
  return {
    Id: id,
    Name: `/${name}`,
    Config: {
      Hostname: id.slice(0, 12),
      Image: 'scaling-conduit/app:stage-05',
      Env: ['NODE_ENV=production', 'PORT=8080'],
      Cmd: ['node', 'stages/05-autoscaling-jwt/src/server.ts'],
      Labels: {
        [composeLabels.project]: project,
        [composeLabels.service]: service,
        [composeLabels.number]: String(number),
        [composeLabels.oneoff]: 'False',
        'com.docker.compose.config-hash': 'abc123',
      },
      ...(overrides.healthcheck === false
        ? {}
        : { Healthcheck: { Test: ['CMD', 'node', '-e', 'ready'], Interval: 5_000_000_000 } }),
      StopTimeout: overrides.stopTimeout ?? 15,
    },
    HostConfig: {
      NetworkMode: network,
      NanoCpus: 250_000_000,
      Memory: 268_435_456,
      RestartPolicy: { Name: 'unless-stopped' },
    },
    NetworkSettings: { Networks: { [network]: { Aliases: [name, service, id.slice(0, 12)] } } },
    State:
      overrides.running === false
        ? { Running: false, Status: 'exited' }
        : { Running: true, Status: 'running', Health: { Status: 'healthy' } },
  };
}

/** The autoscaler's own container; its hostname is how it finds itself. */
const self = buildContainer('autoscaler', 1, { healthcheck: false });
const selfHostname = self.Id.slice(0, 12);

let engine: FakeDockerEngine | undefined;
afterEach(async () => {
  await engine?.close();
  engine = undefined;
});

async function actuatorOver(containers: FakeContainer[]) {
  engine = await startFakeDockerEngine([self, ...containers]);
  const actuator = createDockerActuator({
    engine: createDockerEngine({ socketPath: engine.socketPath, timeoutMs: 2_000 }),
    selfContainer: selfHostname,
    pollIntervalMs: 10,
    healthTimeoutMs: 2_000,
    log: () => {},
  });
  return { engine, actuator };
}

/** The requests that change something, in order, as `METHOD /path` with container and exec ids as `<id>`. */
const actions = (fake: FakeDockerEngine) =>
  fake.requests
    .filter((request) => request.method !== 'GET')
    .map((request) => {
      const path = request.path
        .split('/')
        .map((part) => (part.length > 20 || part.startsWith('exec-') ? '<id>' : part))
        .join('/');
      return `${request.method} ${path}`;
    });

describe('Docker actuator against a fake Engine API on a unix socket', () => {
  it('When it scales app from 2 to 3, then it clones a running replica as <project>-app-<next number> with its config, labels and the app alias', async () => {
    const stopped = buildContainer('app', 3, { running: false });
    const { engine: fake, actuator } = await actuatorOver([
      buildContainer('app', 1),
      buildContainer('app', 2),
      stopped,
      buildContainer('nginx', 1),
    ]);
    fake.behaviour.healthAfterInspections = { status: 'healthy', inspections: 2 };

    const running = await actuator.scale('app', 3);

    expect(running).toBe(3);
    const create = fake.requests.find((request) => request.path === '/containers/create');
    if (!create) throw new Error('The actuator sent no create request.');
    // Number 3 is taken by a stopped container, which compose would reuse for `up`: the clone takes 4.
    expect(create.query.get('name')).toBe('stage05-app-4');
    const template = buildContainer('app', 1);
    expect(create.body).toMatchObject({
      Image: template.Config.Image,
      Env: template.Config.Env,
      Cmd: template.Config.Cmd,
      Healthcheck: template.Config.Healthcheck,
      StopTimeout: 15,
      Labels: { ...template.Config.Labels, [composeLabels.number]: '4' },
      HostConfig: template.HostConfig,
    });
    expect(create.body).not.toHaveProperty('Hostname');
    const { NetworkingConfig } = create.body as {
      NetworkingConfig: { EndpointsConfig: Record<string, { Aliases: string[] }> };
    };
    const aliases = NetworkingConfig.EndpointsConfig[network]?.Aliases;
    expect(aliases?.sort()).toEqual(['app', 'stage05-app-4']);
  });

  it('When it scales out, then it creates, starts, waits until the replica is healthy, and only then reloads nginx', async () => {
    const { engine: fake, actuator } = await actuatorOver([
      buildContainer('app', 1),
      buildContainer('nginx', 1),
    ]);
    fake.behaviour.healthAfterInspections = { status: 'healthy', inspections: 3 };

    await actuator.scale('app', 2);

    expect(actions(fake)).toEqual([
      'POST /containers/create',
      'POST /containers/<id>/start',
      'POST /containers/<id>/exec',
      'POST /exec/<id>/start',
    ]);
    const order = fake.requests.map((request) => `${request.method} ${request.path}`);
    const started = order.findIndex((entry) => entry.endsWith('/start') && entry.includes('/containers/'));
    const cloneId = fake.requests[started]?.path.split('/')[2] ?? '';
    const healthChecks = order.filter(
      (entry, index) => index > started && entry === `GET /containers/${cloneId}/json`,
    );
    const reload = order.findIndex((entry) => entry.endsWith('/exec'));
    expect(healthChecks.length).toBeGreaterThanOrEqual(3);
    expect(order.lastIndexOf(`GET /containers/${cloneId}/json`)).toBeLessThan(reload);
    const exec = fake.requests[reload];
    expect(exec?.path).toBe(`/containers/${buildContainer('nginx', 1).Id}/exec`);
    expect(exec?.body).toMatchObject({ Cmd: ['nginx', '-s', 'reload'] });
    expect(order.slice(reload + 1)).toEqual([
      expect.stringMatching(/^POST \/exec\/[^/]+\/start$/),
      expect.stringMatching(/^GET \/exec\/[^/]+\/json$/),
      expect.stringMatching(/^GET \/containers\/json$/),
    ]);
  });

  it('When it scales in from 3 to 2, then it stops the highest-numbered replica with its stop grace, removes it, then reloads nginx', async () => {
    const highest = buildContainer('app', 3, { stopTimeout: 25 });
    const { engine: fake, actuator } = await actuatorOver([
      buildContainer('app', 1),
      highest,
      buildContainer('app', 2),
      buildContainer('nginx', 1),
    ]);

    const running = await actuator.scale('app', 2);

    expect(running).toBe(2);
    const changes = fake.requests.filter((request) => request.method !== 'GET');
    expect(changes.map((request) => `${request.method} ${request.path}`)).toEqual([
      `POST /containers/${highest.Id}/stop`,
      `DELETE /containers/${highest.Id}`,
      `POST /containers/${buildContainer('nginx', 1).Id}/exec`,
      expect.stringMatching(/^POST \/exec\/[^/]+\/start$/),
    ]);
    expect(changes[0]?.query.get('t')).toBe('25');
    expect(fake.containers.has(highest.Id)).toBe(false);
  });

  it('When the new replica turns unhealthy, then it is removed, nginx is not reloaded, and the error says where to look', async () => {
    const { engine: fake, actuator } = await actuatorOver([
      buildContainer('app', 1),
      buildContainer('nginx', 1),
    ]);
    fake.behaviour.healthAfterInspections = { status: 'unhealthy', inspections: 2 };

    const error = (await actuator.scale('app', 2).catch((rejection: unknown) => rejection)) as ActuatorError;

    expect(error.code).toBe('ACTUATOR_REPLICA_UNHEALTHY');
    expect(error.message).toMatch(
      /^The new replica stage05-app-2 is unhealthy: read its logs \(docker logs \w{12}\)\.$/,
    );
    expect(actions(fake)).toEqual([
      'POST /containers/create',
      'POST /containers/<id>/start',
      'DELETE /containers/<id>',
    ]);
    expect(await actuator.replicas('app')).toBe(1);
  });

  it('When nginx -s reload fails, then the error carries its exit code and output', async () => {
    const { engine: fake, actuator } = await actuatorOver([
      buildContainer('app', 1),
      buildContainer('app', 2),
      buildContainer('nginx', 1),
    ]);
    fake.behaviour.execExitCode = 1;

    const error = (await actuator.scale('app', 1).catch((rejection: unknown) => rejection)) as ActuatorError;

    expect(error.code).toBe('ACTUATOR_RELOAD_FAILED');
    expect(error.message).toContain('exited with 1: nginx: [emerg] host not found in upstream "app:8080"');
  });

  it('When its own container carries no compose labels, then it says to run it as a service of the stage', async () => {
    const { actuator } = await actuatorOver([]);
    const loose = { ...self, Config: { ...self.Config, Labels: {} } };
    engine?.containers.set(self.Id, loose);

    const error = (await actuator.replicas('app').catch((rejection: unknown) => rejection)) as ActuatorError;

    expect(error.code).toBe('ACTUATOR_FAILED');
    expect(error.message).toContain('run the autoscaler as a service of the stage');
  });

  it('When nothing listens on the socket, then the error says to mount it', async () => {
    const actuator = createDockerActuator({
      engine: createDockerEngine({ socketPath: '/nonexistent/docker.sock', timeoutMs: 500 }),
      selfContainer: selfHostname,
      log: () => {},
    });

    const error = (await actuator.replicas('app').catch((rejection: unknown) => rejection)) as ActuatorError;

    expect(error.code).toBe('ACTUATOR_UNREACHABLE');
    expect(error.message).toMatch(/mount the socket into this container/);
  });
});
