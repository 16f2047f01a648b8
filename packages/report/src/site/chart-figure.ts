import { escapeHtml } from './html.ts';

/**
 * A rendered chart inlined into a page. Vega numbers its clip paths and gradients from 1 in every document, so two
 * charts on one page would share ids and draw through each other's clips: each chart's ids get its own prefix.
 */
export function chartFigure(id: string, svg: string, caption?: string): string {
  const scoped = svg
    .replace(/\bid="([^"]+)"/g, `id="${id}-$1"`)
    .replace(/url\(#([^)]+)\)/g, `url(#${id}-$1)`)
    .replace(/href="#([^"]+)"/g, `href="#${id}-$1"`);
  return [
    `<figure class="chart" id="${id}">`,
    scoped.trim(),
    caption ? `<figcaption>${escapeHtml(caption)}</figcaption>` : '',
    '</figure>',
  ].join('\n');
}
