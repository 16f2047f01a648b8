import { request } from 'node:http';
import { ActuatorError } from './actuator.ts';

export interface DockerEngineOptions {
  /** The Engine's unix socket, mounted into the container: /var/run/docker.sock. */
  socketPath: string;
  /** Each call's deadline unless the call gives its own. */
  timeoutMs?: number;
}

export interface CallOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface DockerEngine {
  /** The JSON answer of a 2xx; an `ActuatorError` naming the Engine's message otherwise. */
  call<T>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown, options?: CallOptions): Promise<T>;
}

/** A container list or an inspect is a few kB per container; an exec's output is nginx's one line. */
const maxResponseBytes = 4 * 1024 * 1024;

/** A small client of the Docker Engine API (unversioned paths: the daemon's own version) over its unix socket. */
export function createDockerEngine(options: DockerEngineOptions): DockerEngine {
  const defaultTimeoutMs = options.timeoutMs ?? 10_000;
  return {
    call<T>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown, call: CallOptions = {}) {
      const timeoutMs = call.timeoutMs ?? defaultTimeoutMs;
      const deadline = AbortSignal.timeout(timeoutMs);
      const payload = body === undefined ? undefined : JSON.stringify(body);
      return new Promise<T>((resolve, reject) => {
        const fail = (error: Error) =>
          reject(
            deadline.aborted
              ? new ActuatorError(
                  'ACTUATOR_TIMEOUT',
                  `The Docker Engine did not answer ${method} ${path} within ${timeoutMs} ms: check that the daemon is not overloaded.`,
                  { cause: error },
                )
              : error instanceof ActuatorError
                ? error
                : new ActuatorError('ACTUATOR_UNREACHABLE', unreachable(options.socketPath, error), {
                    cause: error,
                  }),
          );
        const outgoing = request(
          {
            socketPath: options.socketPath,
            method,
            path,
            headers: {
              host: 'docker',
              ...(payload === undefined
                ? {}
                : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }),
            },
            signal: call.signal ? AbortSignal.any([call.signal, deadline]) : deadline,
          },
          (response) => {
            const chunks: Buffer[] = [];
            let received = 0;
            response.on('data', (chunk: Buffer) => {
              received += chunk.byteLength;
              if (received > maxResponseBytes) {
                response.destroy(
                  new ActuatorError(
                    'ACTUATOR_REFUSED',
                    `The Docker Engine's answer to ${method} ${path} is larger than ${maxResponseBytes} bytes: check that the mounted socket is a Docker Engine's.`,
                  ),
                );
                return;
              }
              chunks.push(chunk);
            });
            response.on('error', fail);
            response.on('end', () => {
              const answer = Buffer.concat(chunks);
              const status = response.statusCode ?? 0;
              if (status < 200 || status >= 300) {
                reject(
                  new ActuatorError(
                    'ACTUATOR_REFUSED',
                    `The Docker Engine refused ${method} ${path} (${status}): ${engineMessage(answer.toString('utf8'))}.`,
                  ),
                );
                return;
              }
              resolve(parseAnswer(answer, response.headers['content-type']) as T);
            });
          },
        );
        outgoing.on('error', fail);
        outgoing.end(payload);
      });
    },
  };
}

function unreachable(socketPath: string, error: NodeJS.ErrnoException): string {
  const advice =
    error.code === 'EACCES'
      ? "this process's user may not use the socket: add the socket's group to the container (compose `group_add`)"
      : 'mount the socket into this container';
  return `The Docker Engine is not reachable at ${socketPath} (${error.message}): ${advice}, see services/autoscaler/README.md.`;
}

function engineMessage(text: string): string {
  try {
    return (JSON.parse(text) as { message?: string }).message ?? text.slice(0, 200);
  } catch {
    return text.slice(0, 200);
  }
}

/** JSON when the Engine says so; an exec's output stream and the empty 204s come back as the bytes they are. */
function parseAnswer(body: Buffer, contentType: string | undefined): unknown {
  if (!contentType?.includes('application/json') || body.byteLength === 0) return body;
  return JSON.parse(body.toString('utf8'));
}
