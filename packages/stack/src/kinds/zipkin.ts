import { join } from 'node:path';
import { commandArgs } from '../command.ts';
import type { ComposeService } from '../compose.ts';
import { repoRoot } from '../stage.ts';
import type { KindPlan, PlanContext, ServiceKind } from '../types.ts';
import { nativeListenPort } from './exporter.ts';

/** The release the compose files' image tag names, which scripts/bootstrap.sh downloads (ZIPKIN_VERSION there). */
export const zipkinVersion = '3.4.2';
export const zipkinJar =
  process.env.ZIPKIN_JAR ?? join(repoRoot, '.tools', 'zipkin', `zipkin-server-${zipkinVersion}-exec.jar`);
const javaBinary = process.env.JAVA_BIN ?? '/usr/bin/java';
const zipkinPort = 9411;
/** The image's own JAVA_OPTS, when the compose file sets none. */
const imageJavaOptions = '-Xms64m -Xmx64m -XX:+ExitOnOutOfMemoryError';

/**
 * openzipkin/zipkin: the same release's executable jar on Debian's Java 17, with the image's environment
 * (STORAGE_TYPE, mem unless set; JAVA_OPTS; the compose file's variables) and its arguments, listening on 127.0.0.1
 * and the published port (the UI and the span collector, http://127.0.0.1:9411).
 */
export const zipkinKind: ServiceKind = {
  name: 'zipkin',
  matches: (service: ComposeService) => /^(docker\.io\/)?openzipkin\/zipkin(:|@|$)/.test(service.image ?? ''),
  plan(context: PlanContext): KindPlan {
    const port = nativeListenPort(context, zipkinPort);
    const javaOptions = (context.env.JAVA_OPTS ?? imageJavaOptions).split(/\s+/).filter(Boolean);
    return {
      argv: [
        javaBinary,
        ...javaOptions,
        '-jar',
        zipkinJar,
        ...commandArgs(context.service.command),
        // Later arguments win: these take over the port and bind the server to loopback, like a 127.0.0.1 publish.
        `--armeria.ports[0].port=${port}`,
        '--armeria.ports[0].ip=127.0.0.1',
      ],
      env: { STORAGE_TYPE: 'mem', ...context.env },
      probe: { type: 'http', url: `http://127.0.0.1:${port}/health` },
      stopSignal: 'SIGTERM',
      requires: {
        path: zipkinJar,
        install: `run 'make bootstrap', which downloads Zipkin's exec jar (io.zipkin:zipkin-server:${zipkinVersion}:exec) from Maven Central; it runs on Java 17 (apt-get install openjdk-17-jre-headless)`,
      },
    };
  },
};
