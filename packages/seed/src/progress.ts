import type { TableProgress } from './copy.ts';

/**
 * A one-line progress bar per table on stderr: redrawn in place on a terminal, printed once per table
 * otherwise (so CI logs stay short).
 */
export function progressBar(stream: NodeJS.WriteStream = process.stderr) {
  const startedAt = new Map<string, number>();
  let lastDraw = 0;
  return (progress: TableProgress) => {
    const now = performance.now();
    if (!startedAt.has(progress.table)) startedAt.set(progress.table, now);
    if (!progress.done && (!stream.isTTY || now - lastDraw < 100)) return;
    lastDraw = now;
    const seconds = Math.max(0.001, (now - (startedAt.get(progress.table) ?? now)) / 1000);
    const line = renderProgress(progress, progress.rows / seconds);
    stream.write(stream.isTTY ? `\r\x1b[2K${line}${progress.done ? '\n' : ''}` : `${line}\n`);
  };
}

export function renderProgress(progress: TableProgress, rowsPerSecond: number): string {
  const width = 24;
  const fraction = progress.done ? 1 : progress.total ? Math.min(1, progress.rows / progress.total) : 0;
  const filled = Math.round(fraction * width);
  const bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
  const percent =
    progress.total === undefined && !progress.done ? '   ?%' : `${Math.round(fraction * 100)}%`.padStart(5);
  const rows = progress.rows.toLocaleString('en-US');
  const rate = `${Math.round(rowsPerSecond).toLocaleString('en-US')} rows/s`;
  return `${progress.table.padEnd(13)} ${bar} ${percent} ${rows.padStart(11)} rows  ${rate}`;
}
