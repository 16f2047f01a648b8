import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { estimateTextWidth } from './text-width.ts';

interface TextItem {
  fontSize?: number;
  fontWeight?: string | number;
}

/** Vega's text measurement hook: exported by its runtime (from vega-scenegraph), missing from its typings. */
const { textMetrics } = vega as unknown as {
  textMetrics: { width: (item: TextItem, text: string) => number };
};

// Vega reads this hook for every label it lays out or truncates; set once, before any view renders.
textMetrics.width = (item: TextItem, text: string) =>
  estimateTextWidth(
    String(text ?? ''),
    item.fontSize ?? 11,
    item.fontWeight === 'bold' || Number(item.fontWeight) >= 600,
  );

/**
 * A Vega-Lite spec as a standalone SVG document. The headless view (renderer "none") lays the chart out and
 * writes SVG text without a canvas or a browser, so the bench and the report render the same charts anywhere.
 */
export async function renderChart(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return `${await view.toSVG()}\n`;
  } finally {
    view.finalize();
  }
}
