import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

export interface HelloProcess {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

const startTimeoutMs = 15_000;

/** Starts `hello-server.ts` pinned to `cpus` with taskset (the CPU of the replica it is compared with). */
export async function startHello(cpus: string): Promise<HelloProcess> {
  const script = fileURLToPath(new URL('./hello-server.ts', import.meta.url));
  const child = spawn('taskset', ['--cpu-list', cpus, process.execPath, script], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, PORT: '0' },
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(
          `The hello server did not listen within ${startTimeoutMs} ms: run "node ${script}" to see why.`,
        ),
      );
    }, startTimeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(
        new Error(
          `The hello server exited with code ${code} before listening: run "node ${script}" to see why.`,
        ),
      );
    });
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      const match = /"listening":"([^"]+)"/.exec(chunk);
      if (!match) return;
      clearTimeout(timer);
      resolve(match[1] as string);
    });
  });
  return { url, pid: child.pid as number, stop: () => stopChild(child) };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}
