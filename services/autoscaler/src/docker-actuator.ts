import { setTimeout as sleep } from 'node:timers/promises';
import { type Actuator, ActuatorError } from './actuator.ts';
import type { DockerEngine } from './docker-engine.ts';

/** The labels docker compose puts on every container it creates, which `docker compose ps` and `down` go by. */
export const composeLabels = {
  project: 'com.docker.compose.project',
  service: 'com.docker.compose.service',
  number: 'com.docker.compose.container-number',
  oneoff: 'com.docker.compose.oneoff',
} as const;

interface ContainerSummary {
  Id: string;
  Labels: Record<string, string>;
}

interface EndpointSettings {
  Aliases?: string[] | null;
}

/** The parts of `GET /containers/{id}/json` a clone is made from. */
export interface ContainerInspect {
  Id: string;
  Name: string;
  Config: Record<string, unknown> & {
    Hostname?: string;
    Labels?: Record<string, string>;
    Healthcheck?: { Test?: string[]; Interval?: number };
    StopTimeout?: number;
  };
  HostConfig: Record<string, unknown> & { NetworkMode?: string };
  NetworkSettings: { Networks?: Record<string, EndpointSettings> };
  State: { Running: boolean; Status: string; Health?: { Status: string } };
}

export interface DockerActuatorOptions {
  engine: DockerEngine;
  /** This process's own container, by id or name: its hostname, which Docker sets to the short container id. */
  selfContainer: string;
  /** The compose service that balances the scaled ones and re-resolves them on reload. */
  balancerService?: string;
  /** How long a new replica may take to report healthy. */
  healthTimeoutMs?: number;
  /** Between two looks at a starting replica's health. */
  pollIntervalMs?: number;
  log: (details: object, message: string) => void;
}

/** Docker's stop timeout when the container names none (compose sets one from `stop_grace_period`). */
const dockerDefaultStopSeconds = 10;

const numberOf = (container: ContainerSummary) => Number(container.Labels[composeLabels.number] ?? 0);

/**
 * Scales a compose service through the Docker Engine API, as `docker compose up --scale` would, from inside the
 * stage: a new replica is a copy of a running one (image, command, environment, labels, limits, networks and the
 * service's DNS alias) with the next container number, started and waited for until healthy; a leaving one is the
 * highest-numbered, stopped with its grace period (its drain) and removed. Then nginx reloads, which resolves the
 * service's name again and so routes to exactly the replicas that run.
 */
export function createDockerActuator(options: DockerActuatorOptions): Actuator {
  const { engine, log } = options;
  const balancerService = options.balancerService ?? 'nginx';
  const healthTimeoutMs = options.healthTimeoutMs ?? 120_000;
  const pollIntervalMs = options.pollIntervalMs ?? 500;
  let project: Promise<string> | undefined;

  /** The compose project this process belongs to, read once from its own container's labels. */
  function ownProject(signal?: AbortSignal): Promise<string> {
    project ??= engine
      .call<ContainerInspect>(
        'GET',
        `/containers/${encodeURIComponent(options.selfContainer)}/json`,
        undefined,
        {
          ...(signal ? { signal } : {}),
        },
      )
      .then((self) => {
        const name = self.Config.Labels?.[composeLabels.project];
        if (!name) {
          throw new ActuatorError(
            'ACTUATOR_FAILED',
            `Container ${options.selfContainer} has no ${composeLabels.project} label: run the autoscaler as a service of the stage's compose file, or set AUTOSCALER_ACTUATOR=native outside Docker.`,
          );
        }
        return name;
      });
    project.catch(() => {
      project = undefined;
    });
    return project;
  }

  async function containers(
    service: string,
    running: boolean,
    signal?: AbortSignal,
  ): Promise<ContainerSummary[]> {
    const filters = {
      label: [
        `${composeLabels.project}=${await ownProject(signal)}`,
        `${composeLabels.service}=${service}`,
        `${composeLabels.oneoff}=False`,
      ],
    };
    const list = await engine.call<ContainerSummary[]>(
      'GET',
      `/containers/json?all=${running ? 'false' : 'true'}&filters=${encodeURIComponent(JSON.stringify(filters))}`,
      undefined,
      signal ? { signal } : {},
    );
    return list.sort((a, b) => numberOf(a) - numberOf(b));
  }

  const inspect = (id: string, signal?: AbortSignal) =>
    engine.call<ContainerInspect>('GET', `/containers/${id}/json`, undefined, signal ? { signal } : {});

  async function scaleOut(service: string, running: ContainerSummary[], count: number, signal?: AbortSignal) {
    const [first] = running;
    if (!first) {
      throw new ActuatorError(
        'ACTUATOR_NO_TEMPLATE',
        `No replica of ${service} runs, so there is none to copy: start the stage with docker compose up first.`,
      );
    }
    const template = await inspect(first.Id, signal);
    const projectName = await ownProject(signal);
    const taken = Math.max(0, ...(await containers(service, false, signal)).map(numberOf));
    const started: string[] = [];
    try {
      for (let index = 1; index <= count; index += 1) {
        const number = taken + index;
        const name = `${projectName}-${service}-${number}`;
        started.push(await createClone(template, service, name, number, signal));
        log({ service, container: name }, 'Started a new replica; waiting until it is healthy.');
      }
      await Promise.all(started.map((id) => waitHealthy(id, signal)));
    } catch (error) {
      // A replica that never became healthy is not left half in the service.
      await Promise.allSettled(started.map((id) => engine.call('DELETE', `/containers/${id}?force=true`)));
      throw error;
    }
  }

  /** Creates and starts a copy of `template` named `name`, on the same networks under the service's aliases. */
  async function createClone(
    template: ContainerInspect,
    service: string,
    name: string,
    number: number,
    signal?: AbortSignal,
  ): Promise<string> {
    const networks = Object.entries(template.NetworkSettings.Networks ?? {});
    const primary = networks.find(([network]) => network === template.HostConfig.NetworkMode) ?? networks[0];
    const endpoint = (settings: EndpointSettings) => ({
      Aliases: cloneAliases(template, settings, service, name),
    });
    const { Hostname: _hostname, ...config } = template.Config;
    const body = {
      ...config,
      Labels: { ...template.Config.Labels, [composeLabels.number]: String(number) },
      HostConfig: template.HostConfig,
      NetworkingConfig: { EndpointsConfig: primary ? { [primary[0]]: endpoint(primary[1]) } : {} },
    };
    const call = signal ? { signal } : {};
    const { Id } = await engine.call<{ Id: string }>(
      'POST',
      `/containers/create?name=${encodeURIComponent(name)}`,
      body,
      call,
    );
    // The create call takes one network; a service on several joins the others before it starts.
    for (const [network, settings] of networks.filter((entry) => entry !== primary)) {
      await engine.call(
        'POST',
        `/networks/${encodeURIComponent(network)}/connect`,
        { Container: Id, EndpointConfig: endpoint(settings) },
        call,
      );
    }
    await engine.call('POST', `/containers/${Id}/start`, undefined, call);
    return Id;
  }

  async function waitHealthy(id: string, signal?: AbortSignal): Promise<void> {
    const deadline = Date.now() + healthTimeoutMs;
    for (;;) {
      const { State, Config, Name } = await inspect(id, signal);
      const checked = Config.Healthcheck?.Test !== undefined && Config.Healthcheck.Test[0] !== 'NONE';
      if (!State.Running || State.Health?.Status === 'unhealthy') {
        throw new ActuatorError(
          'ACTUATOR_REPLICA_UNHEALTHY',
          `The new replica ${Name.replace(/^\//, '')} is ${State.Health?.Status ?? State.Status}: read its logs (docker logs ${id.slice(0, 12)}).`,
        );
      }
      if (checked ? State.Health?.Status === 'healthy' : State.Running) return;
      if (Date.now() > deadline) {
        throw new ActuatorError(
          'ACTUATOR_REPLICA_UNHEALTHY',
          `The new replica ${Name.replace(/^\//, '')} was not healthy within ${healthTimeoutMs} ms: read its logs (docker logs ${id.slice(0, 12)}).`,
        );
      }
      await sleep(pollIntervalMs, undefined, signal ? { signal } : {});
    }
  }

  async function scaleIn(running: ContainerSummary[], count: number, signal?: AbortSignal) {
    const leaving = running.slice(-count).reverse();
    await Promise.all(
      leaving.map(async ({ Id }) => {
        const { Config, Name } = await inspect(Id, signal);
        const grace = Config.StopTimeout ?? dockerDefaultStopSeconds;
        // SIGTERM starts the replica's drain; the Engine sends SIGKILL after `grace` seconds, so wait a little longer.
        await engine.call('POST', `/containers/${Id}/stop?t=${grace}`, undefined, {
          timeoutMs: (grace + 15) * 1000,
        });
        await engine.call('DELETE', `/containers/${Id}`);
        log({ container: Name.replace(/^\//, ''), graceSeconds: grace }, 'Stopped and removed a replica.');
      }),
    );
  }

  /** Every nginx of the project re-reads its configuration, so `server app:8080` resolves to the replicas now running. */
  async function reloadBalancer(signal?: AbortSignal): Promise<void> {
    const balancers = await containers(balancerService, true, signal);
    if (balancers.length === 0) {
      log({ balancerService }, 'No balancer container runs in this project; nothing to reload.');
      return;
    }
    const call = signal ? { signal } : {};
    for (const balancer of balancers) {
      const exec = await engine.call<{ Id: string }>(
        'POST',
        `/containers/${balancer.Id}/exec`,
        { Cmd: ['nginx', '-s', 'reload'], AttachStdout: true, AttachStderr: true },
        call,
      );
      const output = await engine.call<Buffer>(
        'POST',
        `/exec/${exec.Id}/start`,
        { Detach: false, Tty: false },
        call,
      );
      const { ExitCode } = await engine.call<{ ExitCode: number | null }>(
        'GET',
        `/exec/${exec.Id}/json`,
        undefined,
        call,
      );
      if (ExitCode !== 0) {
        throw new ActuatorError(
          'ACTUATOR_RELOAD_FAILED',
          `nginx -s reload in ${balancer.Id.slice(0, 12)} exited with ${ExitCode}: ${execOutput(output)}. Check the nginx configuration (nginx -t in that container).`,
        );
      }
    }
  }

  return {
    async replicas(service, signal) {
      return (await containers(service, true, signal)).length;
    },
    async scale(service, replicas, signal) {
      const running = await containers(service, true, signal);
      if (replicas > running.length) await scaleOut(service, running, replicas - running.length, signal);
      else if (replicas < running.length) await scaleIn(running, running.length - replicas, signal);
      else return running.length;
      await reloadBalancer(signal);
      return (await containers(service, true, signal)).length;
    },
  };
}

/**
 * The service's name, the template's aliases minus the ones that name the template itself (its container name, its
 * short id), and the clone's own name: Docker's DNS then answers the service's name (`app`) with the clone too.
 */
export function cloneAliases(
  template: ContainerInspect,
  endpoint: EndpointSettings,
  service: string,
  name: string,
): string[] {
  const own = new Set([template.Name.replace(/^\//, ''), template.Id.slice(0, 12), template.Config.Hostname]);
  const kept = (endpoint.Aliases ?? []).filter((alias) => !own.has(alias));
  return [...new Set([service, ...kept, name])];
}

/**
 * The text of an exec's output. Without a TTY it arrives in Docker's multiplexed frames: a byte for the stream
 * (1 stdout, 2 stderr), three zero bytes, the frame's length (4 bytes, big-endian), then that many bytes.
 */
export function execOutput(output: Buffer): string {
  const parts: Buffer[] = [];
  let offset = 0;
  while (
    offset + 8 <= output.byteLength &&
    (output[offset] ?? 9) <= 2 &&
    output.readUIntBE(offset + 1, 3) === 0
  ) {
    const length = output.readUInt32BE(offset + 4);
    parts.push(output.subarray(offset + 8, offset + 8 + length));
    offset += 8 + length;
  }
  // Anything that is not framed (an exec with a TTY) is kept as it came.
  parts.push(output.subarray(offset));
  return Buffer.concat(parts).toString('utf8').trim().slice(0, 300) || 'no output';
}
