import type { Config } from 'vega-lite';

/** The colours of a chart's series, in order: the first is the "before" grey, the second the "after" blue. */
export const palette = ['#9aa5b1', '#2f6fdf', '#e0892b', '#3a9e5c', '#b34ec4', '#c94040'];

/** The width of a chart's plot; stage READMEs and report pages both show charts about this wide. */
export const plotWidth = 440;

export const chartConfig: Config = {
  background: '#ffffff',
  font: 'sans-serif',
  padding: 12,
  title: { fontSize: 15, anchor: 'start', offset: 12 },
  axis: { labelFontSize: 11, titleFontSize: 11, labelLimit: 260, gridColor: '#e6e6e6' },
  legend: { labelFontSize: 11, titleFontSize: 11, labelLimit: 320, orient: 'top', direction: 'vertical' },
  header: { labelFontSize: 12 },
  view: { stroke: null },
  range: { category: palette },
};
