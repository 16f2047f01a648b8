import { existsSync, readFileSync, statSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * The trace id nginx logged (`trace=<32 hex digits>`, stage 3's `upstream` log format) for the last request with
 * this method and path in `logText`, or undefined when there is none.
 */
export function loggedTraceId(logText: string, method: string, path: string): string | undefined {
  const request = `"${method} ${path} `;
  const line = logText
    .split('\n')
    .filter((candidate) => candidate.includes(request))
    .at(-1);
  return line === undefined ? undefined : /\btrace=([0-9a-f]{32})\b/.exec(line)?.[1];
}

/** Where a log file ends now: what is written after it belongs to the requests sent afterwards. */
export function logSize(file: string): number {
  return existsSync(file) ? statSync(file).size : 0;
}

/** Waits for nginx to log the request (it flushes its access log every second), reading from `fromByte` on. */
export async function waitForLoggedTraceId(options: {
  logFile: string;
  fromByte: number;
  method: string;
  path: string;
  timeoutMs?: number;
}): Promise<string> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (logSize(options.logFile) > options.fromByte) {
      const text = readFileSync(options.logFile).subarray(options.fromByte).toString('utf8');
      const traceId = loggedTraceId(text, options.method, options.path);
      if (traceId) return traceId;
    }
    await sleep(250);
  }
  throw new Error(
    `nginx logged no "${options.method} ${options.path}" with a trace id in ${options.logFile} within ` +
      `${timeoutMs / 1000} s: check that its log format ends with trace=$trace_id (config/nginx.conf).`,
  );
}
