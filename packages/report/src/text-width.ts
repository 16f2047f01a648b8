/**
 * Vega measures labels with a canvas, which Node lacks; its fallback counts 0.8 em per character, about 1.5 times
 * too wide for sans-serif, which cuts labels and legends short. These are DejaVu Sans's advance widths (the
 * sans-serif of Debian's browsers and of GitHub's renderers is close), by class of character, in em.
 */
const narrow = new Set([...".,:;'|!il ijI()[]/"]);
const semiNarrow = new Set([...'frt-']);
const wide = new Set([...'mwMW%@→×']);

function characterWidth(character: string): number {
  if (narrow.has(character)) return 0.3;
  if (semiNarrow.has(character)) return 0.42;
  if (wide.has(character)) return 0.9;
  if (/[0-9]/.test(character)) return 0.64;
  if (/[A-Z]/.test(character)) return 0.7;
  return 0.6;
}

export function estimateTextWidth(text: string, fontSize: number, bold: boolean): number {
  let ems = 0;
  for (const character of text) ems += characterWidth(character);
  return ems * fontSize * (bold ? 1.08 : 1);
}
