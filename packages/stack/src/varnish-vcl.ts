import { publishedPort } from './environment.ts';
import type { NativeConfigContext } from './native-config.ts';

/** Where a `backend` block's body starts and ends in the VCL text (the braces excluded). */
interface BackendBody {
  start: number;
  end: number;
}

/**
 * The `backend <name> { ... }` blocks of a VCL, found by counting braces outside strings ("...", {"..."}) and
 * comments (#, //, /* *\/), since a backend may hold an inline `.probe = { ... }`.
 */
function backendBodies(vcl: string): BackendBody[] {
  const bodies: BackendBody[] = [];
  const header = /(^|\n)[ \t]*backend[ \t]+([\w-]+)[ \t]*\{/g;
  for (const match of vcl.matchAll(header)) {
    const start = (match.index ?? 0) + match[0].length;
    let depth = 1;
    let at = start;
    // Past the next `token` from `from`, or the end of the text when it never comes.
    const after = (token: string, from: number) => {
      const found = vcl.indexOf(token, from);
      return found === -1 ? vcl.length : found + token.length;
    };
    while (at < vcl.length && depth > 0) {
      const next = vcl.slice(at, at + 2);
      if (next === '{"') at = after('"}', at + 2);
      else if (next[0] === '"') at = after('"', at + 1);
      else if (next[0] === '#' || next === '//') at = after('\n', at);
      else if (next === '/*') at = after('*/', at + 2);
      else {
        if (next[0] === '{') depth += 1;
        if (next[0] === '}') depth -= 1;
        at += 1;
      }
    }
    if (depth !== 0) throw new Error(`The VCL's backend "${match[2]}" has no closing brace.`);
    bodies.push({ start, end: at - 1 });
  }
  return bodies;
}

/**
 * Rewrites a mounted VCL for a native run: each backend whose `.host` names a compose service gets `.host =
 * "127.0.0.1"` and `.port` = that service's native port for the container port it named (80 when it named none).
 * Backends on other hosts and everything else stay as written.
 */
export function nativeVcl(vcl: string, options: NativeConfigContext): string {
  const replicated = new Set(
    [...options.replicaPorts].filter(([, instances]) => instances.length > 1).map(([name]) => name),
  );
  let rewritten = '';
  let copied = 0;
  for (const body of backendBodies(vcl)) {
    const text = vcl.slice(body.start, body.end);
    const host = /\.host\s*=\s*"([^"]+)"\s*;/.exec(text);
    const service = host?.[1] as string;
    if (!host || !(options.published.has(service) || options.replicaPorts.has(service))) continue;
    const port = /\.port\s*=\s*"([^"]+)"\s*;/.exec(text);
    const containerPort = Number(port?.[1] ?? 80);
    const nativePort = publishedPort(options.published, service, containerPort, options.service, replicated);
    const local = '.host = "127.0.0.1";';
    const mapped = port
      ? text.replace(host[0], local).replace(port[0], `.port = "${nativePort}";`)
      : text.replace(host[0], `${local} .port = "${nativePort}";`);
    rewritten += vcl.slice(copied, body.start) + mapped;
    copied = body.end;
  }
  return rewritten + vcl.slice(copied);
}
