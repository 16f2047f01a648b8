/**
 * The items Vega drew for the named marks of a chart's spec (e.g. `bars`, or `panel0_bars` in a bar chart's panels):
 * Vega writes each mark set as a group classed "role-mark <name>_marks" holding one element per item.
 */
export function countMarks(svg: string, name: string): number {
  const groups = svg.matchAll(
    new RegExp(`<g class="mark-\\w+ role-mark (?:\\w+_)?${name}_marks"[^>]*>(.*?)</g>`, 'gs'),
  );
  let count = 0;
  for (const [, inner] of groups) count += (inner ?? '').match(/<(path|text|line)\b/g)?.length ?? 0;
  return count;
}
