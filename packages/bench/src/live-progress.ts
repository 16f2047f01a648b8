import type { LiveProgress } from './run-scenario.ts';

/** A once-a-second status line on stderr while the load runs, so a long run never looks stuck. */
export function loadProgress(label: string, stream: NodeJS.WriteStream = process.stderr) {
  let previous = { seconds: 0, requests: 0 };
  return (progress: LiveProgress) => {
    const seconds = progress.elapsedSeconds - previous.seconds;
    const rate = seconds > 0 ? (progress.requests - previous.requests) / seconds : 0;
    previous = { seconds: progress.elapsedSeconds, requests: progress.requests };
    const line = renderLoadProgress(label, progress, rate);
    stream.write(stream.isTTY ? `\r\x1b[2K${line}` : `${line}\n`);
    if (stream.isTTY && progress.elapsedSeconds >= progress.durationSeconds) stream.write('\n');
  };
}

export function renderLoadProgress(label: string, progress: LiveProgress, requestsPerSecond: number): string {
  const elapsed = Math.min(progress.durationSeconds, Math.round(progress.elapsedSeconds));
  return [
    `${label}`,
    `${elapsed}/${progress.durationSeconds} s`,
    `${progress.requests.toLocaleString('en-US')} requests`,
    `${Math.round(requestsPerSecond).toLocaleString('en-US')} req/s`,
    `${progress.errors} errors`,
    `${progress.non2xx} non-2xx`,
  ].join('  ');
}
