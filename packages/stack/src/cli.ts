import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { cgroupSupport, unenforcedLimitsNote } from './cgroups.ts';
import { stackKill, stackRestart, stackStartService, stackStopService } from './control.ts';
import { stackDown } from './down.ts';
import { loadPlan, parseCpusets, parseScale, type StackOptions } from './load.ts';
import { stackLogs } from './logs.ts';
import { writePrometheusFiles } from './prometheus-files.ts';
import { describeLimits } from './resources.ts';
import { stackScale } from './scale.ts';
import { repoRoot, resolveStage } from './stage.ts';
import { stackStatus } from './status.ts';
import { stackUp } from './up.ts';

const usage = `Usage: pnpm stack <command> <stage> [options]

Runs a stage's docker-compose.yml as native processes on 127.0.0.1.
<stage> is a number (1) or a folder name (01-single-server).

  up <stage>                   start every service in dependency order (running ones are kept)
  down <stage> [--volumes]     stop every service; --volumes also deletes the data
  ps <stage>                   show each process: pid, state, restarts, ports, CPU and memory limits
  scale <stage> app=4 [worker=2]  change the replicas of a running stage without failing a request: new
                               ones start and are ready before nginx routes to them; leaving ones leave
                               nginx first, then stop gracefully (waits up to 120 s for a running up)
  logs <stage> [service] [-f]  print the logs; -f follows them
  reshard <stage> --add <shard>  add a shard to a running stage 6 and move the authors the ring gives it
                               (packages/resharding: progress, keys moved, the longest write pause)
  prometheus <stage>           regenerate config/prometheus.yml and config/prometheus-rules.yml from the
                               stage's docker-compose.yml (after adding or removing a service)

  <service> is a service (every replica) or one replica (app.2):
  restart <stage> <service>    graceful stop, start, wait until ready and (behind nginx) routed to again;
                               replicas one after the other
  stop <stage> <service>       graceful stop; the restart policy does not bring it back
  start <stage> <service>      start it (its dependencies must run) and wait until ready
  kill <stage> <service> [--signal KILL]  signal the service process (default KILL): a crash, so the
                               restart policy applies

Run settings (up records them; later commands reuse them until down):
  --scale app=2              replicas of a service (repeatable; STACK_SCALE="app=2;worker=1")
  --cpusets app=0,1          pin replica i to the i-th cpuset (repeatable; STACK_CPUSETS)
  --variant sticky           apply the stage's docker-compose.sticky.yml (STACK_VARIANT)
  STACK_HTTP_PORT=<port>     moves the API from 8080.

\${VAR:-default} in the compose file reads the environment, then the .env file beside it, as Compose does.`;

async function main(argv: string[]): Promise<void> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      volumes: { type: 'boolean', default: false },
      follow: { type: 'boolean', short: 'f', default: false },
      signal: { type: 'string', short: 's', default: 'KILL' },
      scale: { type: 'string', multiple: true },
      cpusets: { type: 'string', multiple: true },
      variant: { type: 'string' },
      add: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [command, stage, service, ...more] = positionals;
  if (values.help || !command) {
    console.log(usage);
    return;
  }
  if (!stage)
    throw new Error(`Say which stage: pnpm stack ${command} <stage>, e.g. pnpm stack ${command} 1.`);
  const settings: StackOptions = {
    ...(values.scale ? { scale: parseScale(values.scale) } : {}),
    ...(values.cpusets ? { cpusets: parseCpusets(values.cpusets) } : {}),
    ...(values.variant ? { variant: values.variant } : {}),
  };
  switch (command) {
    case 'up':
      await stackUp(stage, settings);
      return;
    case 'down':
      await stackDown(stage, { ...settings, volumes: values.volumes });
      return;
    case 'ps':
      printTable(await stackStatus(stage, settings));
      printLimitsNote(stage, settings);
      return;
    case 'scale': {
      if (!service) throw new Error('Say how many replicas: pnpm stack scale <stage> app=4 [worker=2].');
      const { scale: _recorded, ...options } = settings;
      printTable(await stackScale(stage, parseScale([service, ...more]), options));
      return;
    }
    case 'logs': {
      const controller = new AbortController();
      process.once('SIGINT', () => controller.abort());
      await stackLogs(stage, {
        ...settings,
        follow: values.follow,
        signal: controller.signal,
        ...(service ? { service } : {}),
      });
      return;
    }
    case 'reshard':
      await reshard(stage, values.add);
      return;
    case 'prometheus':
      writePrometheusFiles(resolveStage(stage));
      return;
    case 'restart':
      await stackRestart(stage, required(service, command), settings);
      return;
    case 'stop':
      await stackStopService(stage, required(service, command), settings);
      return;
    case 'start':
      await stackStartService(stage, required(service, command), settings);
      return;
    case 'kill':
      await stackKill(stage, required(service, command), { ...settings, signal: values.signal });
      return;
    default:
      throw new Error(`Unknown command "${command}".\n\n${usage}`);
  }
}

/** Resharding builds on the stack (packages/resharding imports it), so the stack hands the command over as a process. */
async function reshard(stage: string, add: string | undefined): Promise<void> {
  if (!add) throw new Error(`Say which shard to add: pnpm stack reshard ${stage} --add shard4.`);
  const cli = join(repoRoot, 'packages/resharding/src/stage-cli.ts');
  const child = spawn(process.execPath, [cli, stage, '--add', add], { stdio: 'inherit' });
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) process.exitCode = code ?? 1;
}

function required(service: string | undefined, command: string): string {
  if (!service)
    throw new Error(`Say which service: pnpm stack ${command} <stage> <service>, e.g. app or app.2.`);
  return service;
}

function printTable(rows: Awaited<ReturnType<typeof stackStatus>>): void {
  const table = [
    ['SERVICE', 'PID', 'STATE', 'RESTARTS', 'PORTS', 'LIMITS'],
    ...rows.map((row) => [
      row.instance,
      row.pid === null ? '-' : String(row.pid),
      row.state === 'exited' ? `exited (${row.exitCode})` : row.state,
      String(row.restarts),
      row.ports.map((port) => `127.0.0.1:${port}`).join(', ') || '-',
      (row.limits && describeLimits(row.limits)) || '-',
    ]),
  ];
  const widths =
    table[0]?.map((_, column) => Math.max(...table.map((row) => (row[column] ?? '').length))) ?? [];
  for (const row of table)
    console.log(
      row
        .map((cell, column) => cell.padEnd(widths[column] ?? 0))
        .join('  ')
        .trimEnd(),
    );
}

/** `ps` shows the limits the kernel enforces; when the stage asks for some it cannot, it says why once. */
function printLimitsNote(stage: string, settings: StackOptions): void {
  const support = cgroupSupport();
  if (support.version === null && loadPlan(stage, settings).services.some((service) => service.limits)) {
    console.log(`\n${unenforcedLimitsNote(support.reason)}`);
  }
}

// `pnpm stack logs 1 | head` closes the pipe early: that is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
