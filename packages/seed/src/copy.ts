import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { Cell, TableLoad } from './tables.ts';

export interface TableProgress {
  table: string;
  rows: number;
  total: number | undefined;
  done: boolean;
}

const chunkBytes = 256 * 1024;
const progressEveryRows = 5_000;

/** Streams one table into Postgres with COPY (text format), reporting progress as it goes. */
export async function copyTable(
  client: pg.ClientBase,
  load: TableLoad,
  onProgress: (progress: TableProgress) => void,
): Promise<number> {
  let rows = 0;
  const report = (done: boolean) => onProgress({ table: load.table, rows, total: load.total, done });
  function* chunks() {
    let chunk = '';
    for (const row of load.rows()) {
      chunk += `${row.map(copyText).join('\t')}\n`;
      rows++;
      if (rows % progressEveryRows === 0) report(false);
      if (chunk.length >= chunkBytes) {
        yield chunk;
        chunk = '';
      }
    }
    if (chunk) yield chunk;
  }
  report(false);
  const sql = `COPY ${load.table} (${load.columns.join(', ')}) FROM STDIN`;
  await pipeline(Readable.from(chunks()), client.query(copyFrom(sql)));
  report(true);
  return rows;
}

/** COPY's text format: backslash escapes for the delimiter, line breaks and the backslash itself; \N is NULL. */
export function copyText(cell: Cell): string {
  if (cell === null) return '\\N';
  if (typeof cell === 'number') return String(cell);
  return cell.replace(/[\\\n\r\t]/g, (character) => copyEscapes[character] as string);
}

const copyEscapes: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };
