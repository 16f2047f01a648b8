/**
 * How to declare toxiproxy in compose (stage 4's distance between the edge and the origin):
 *
 *   toxiproxy:
 *     image: ghcr.io/shopify/toxiproxy:2.12.0
 *     command: ["-host=0.0.0.0", "-config=/etc/toxiproxy/toxiproxy.json"]
 *     volumes:
 *       - ./config/toxiproxy.json:/etc/toxiproxy/toxiproxy.json:ro   # [{ "name", "listen": "0.0.0.0:8666", "upstream": "nginx:8080" }]
 *     expose: ["8666", "8474"]          # each proxy's listen port, and the API (-port, default 8474)
 *     x-native-ports: { "8666": 18666, "8474": 18474 }
 *
 * Natively: `.tools/bin/toxiproxy-server` (built by `make bootstrap`), same flags; toxics are added through the API.
 */
import { join } from 'node:path';
import { commandArgs } from '../command.ts';
import type { ComposeService } from '../compose.ts';
import { readMountedConfig } from '../native-config.ts';
import { repoRoot } from '../stage.ts';
import { nativeToxiproxyConfig } from '../toxiproxy-config.ts';
import type { InstanceSetup, KindPlan, PlanContext, ServiceKind } from '../types.ts';
import { flagValue, nativeListenPort, withFlag } from './exporter.ts';

const toxiproxyBinary = process.env.TOXIPROXY_BIN ?? join(repoRoot, '.tools', 'bin', 'toxiproxy-server');

const configFile = 'toxiproxy.json';

/** The mounted `-config` file, rewritten for this host into the instance's folder. */
function configSetup(context: PlanContext, containerPath: string): InstanceSetup {
  const { text, context: native } = readMountedConfig(context, containerPath, './config/toxiproxy.json');
  return {
    directory: native.directory,
    files: { [configFile]: nativeToxiproxyConfig(text, native) },
    unprivileged: false,
  };
}

/**
 * ghcr.io/shopify/toxiproxy: the same release built from source, with the compose command's flags, its API on
 * 127.0.0.1 and the native port of its `-port` (8474 by default), and the `-config` file rewritten so each proxy
 * listens on its native port and reaches its upstream's. Ready when the API answers GET /version.
 */
export const toxiproxyKind: ServiceKind = {
  name: 'toxiproxy',
  matches: (service: ComposeService) => /^(ghcr\.io\/)?shopify\/toxiproxy(:|@|$)/.test(service.image ?? ''),
  plan(context: PlanContext): KindPlan {
    const args = commandArgs(context.service.command);
    const apiPort = nativeListenPort(context, Number(flagValue(args, 'port') ?? 8474));
    const configPath = flagValue(args, 'config');
    const flags = withFlag(withFlag(args, 'host', '127.0.0.1'), 'port', String(apiPort));
    const setup = configPath ? configSetup(context, configPath) : undefined;
    return {
      argv: [
        toxiproxyBinary,
        ...(setup ? withFlag(flags, 'config', join(setup.directory, configFile)) : flags),
      ],
      env: {},
      probe: { type: 'http', url: `http://127.0.0.1:${apiPort}/version` },
      stopSignal: 'SIGTERM',
      ...(setup ? { setup } : {}),
      requires: {
        path: toxiproxyBinary,
        install: "run 'make bootstrap', which builds toxiproxy v2.12.0 with Go",
      },
    };
  },
};
