export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * README prose as HTML: code spans, bold, and links reduced to their text (their targets are relative to the README,
 * not to the report, which may be opened from anywhere).
 */
export function inlineMarkdown(text: string): string {
  return escapeHtml(text)
    .replace(/`([^`]+)`/g, '<code>$1</code>')
    .replace(/\*\*(.+?)\*\*/g, '<strong>$1</strong>')
    .replace(/\[([^\]]+)\]\([^)]+\)/g, '$1');
}

/** A table whose numeric cells are right-aligned; cells are HTML already. */
export function htmlTable(headers: string[], rows: string[][], numeric: (column: number) => boolean): string {
  const cell = (tag: 'th' | 'td', html: string, column: number) =>
    `<${tag}${numeric(column) ? ' class="number"' : ''}>${html}</${tag}>`;
  return [
    '<table>',
    `<thead><tr>${headers.map((header, column) => cell('th', escapeHtml(header), column)).join('')}</tr></thead>`,
    '<tbody>',
    ...rows.map((row) => `<tr>${row.map((html, column) => cell('td', html, column)).join('')}</tr>`),
    '</tbody>',
    '</table>',
  ].join('\n');
}

export function formatNumber(value: number | undefined, decimals = 1): string {
  if (value === undefined) return 'n/a';
  return value.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}
