import type { KeysMovedMeasurement } from './measure-keys-moved.ts';

const percent = (fraction: number) => `${(fraction * 100).toFixed(1)}%`;
const count = (value: number) => Math.round(value).toLocaleString('en-US');

/** The measurement as a small text table: the command prints it and the bench can embed it. */
export function keysMovedTable(measurement: KeysMovedMeasurement): string {
  const { ring, modulo } = measurement;
  const rows = [
    ['placement', 'authors moved', 'rows moved'],
    [
      `ring (${measurement.virtualNodes} vnodes)`,
      `${percent(ring.authors.fraction)} (${count(ring.authors.moved)})`,
      `${percent(ring.rows.fraction)} (${count(ring.rows.moved)})`,
    ],
    [
      'modulo',
      `${percent(modulo.authors.fraction)} (${count(modulo.authors.moved)})`,
      `${percent(modulo.rows.fraction)} (${count(modulo.rows.moved)})`,
    ],
    ['ideal', percent(measurement.ideal), percent(measurement.ideal)],
  ];
  const widths = [0, 1, 2].map((column) => Math.max(...rows.map((row) => (row[column] as string).length)));
  const title =
    `Adding ${measurement.added} to ${measurement.nodes.join(', ')}: seed ${measurement.seed}, scale ` +
    `${measurement.scale}, ${count(ring.authors.total)} authors, ${count(ring.rows.total)} rows ` +
    '(articles + their comments and favorites)\n' +
    `The heaviest author, user ${measurement.heaviestAuthor.key}, holds ` +
    `${percent(measurement.heaviestAuthor.fraction)} of the rows and moves whole.`;
  const lines = rows.map((row) =>
    row.map((cell, column) => cell.padEnd(widths[column] as number)).join('  '),
  );
  return [title, ...lines].map((line) => line.trimEnd()).join('\n');
}
