/** A figure as the tables print it: one decimal below 10, none above, thousands grouped. */
export function formatValue(value: number): string {
  return value.toLocaleString('en-US', { maximumFractionDigits: value < 10 ? 1 : 0 });
}
