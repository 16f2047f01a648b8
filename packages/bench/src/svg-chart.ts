/** One small chart with its own scale: figures of different sizes stay readable side by side. */
export interface ChartPanel {
  title: string;
  unit: string;
  /** One cluster of bars per group; `values` follow the series order. */
  groups: { label: string; values: (number | undefined)[] }[];
  /** The panel's own series, with a legend under its title, when it compares other things than the chart's. */
  series?: string[];
}

export interface BarChart {
  title: string;
  /** The bars of each group, e.g. ["stage 1", "stage 2"], in a legend at the top; empty when every panel has its own. */
  series: string[];
  panels: ChartPanel[];
}

const width = 760;
const headerHeight = 64;
const panelHeight = 228;
const plot = { left: 60, right: 20, top: 34, height: 130 };
/** Room under a panel's title for its own legend. */
const panelLegendHeight = 18;
const palette = ['#9aa5b1', '#2f6fdf', '#e0892b', '#3a9e5c'];

/** A grouped bar chart as a standalone SVG document, written by hand so the results need no chart library. */
export function renderBarChart(chart: BarChart): string {
  const height = headerHeight + chart.panels.length * panelHeight;
  const panels = chart.panels
    .map((panel, index) => renderPanel(panel, chart.series.length, headerHeight + index * panelHeight))
    .join('\n');
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="20" y="24" font-size="16" font-weight="bold">${escapeXml(chart.title)}</text>`,
    renderLegend(chart.series, 40),
    panels,
    '</svg>',
    '',
  ].join('\n');
}

/** Colour swatches with their names in one row, each entry as wide as its name. */
function renderLegend(series: string[], y: number): string {
  let x = 20;
  return series
    .map((name, index) => {
      const entry = `<rect x="${x}" y="${y}" width="12" height="12" fill="${color(index)}"/><text x="${x + 18}" y="${y + 10}">${escapeXml(name)}</text>`;
      x += 18 + Math.ceil(name.length * 6.5) + 24;
      return entry;
    })
    .join('');
}

function renderPanel(panel: ChartPanel, chartSeriesCount: number, top: number): string {
  const seriesCount = panel.series?.length ?? chartSeriesCount;
  const legendHeight = panel.series ? panelLegendHeight : 0;
  const values = panel.groups.flatMap((group) => group.values).filter((value) => value !== undefined);
  const max = Math.max(0, ...values);
  const scale = max > 0 ? plot.height / (max * 1.15) : 0;
  const baseline = top + plot.top + legendHeight + plot.height;
  const plotWidth = width - plot.left - plot.right;
  const groupWidth = plotWidth / Math.max(1, panel.groups.length);
  const barWidth = Math.min(48, (groupWidth * 0.7) / Math.max(1, seriesCount));
  const parts = [
    `<text x="20" y="${top + 20}" font-weight="bold">${escapeXml(panel.title)} (${escapeXml(panel.unit)})</text>`,
    `<line x1="${plot.left}" y1="${baseline}" x2="${width - plot.right}" y2="${baseline}" stroke="#333"/>`,
  ];
  if (panel.series) parts.push(renderLegend(panel.series, top + 28));
  panel.groups.forEach((group, groupIndex) => {
    const clusterLeft = plot.left + groupIndex * groupWidth + (groupWidth - barWidth * seriesCount) / 2;
    group.values.forEach((value, seriesIndex) => {
      const x = round(clusterLeft + seriesIndex * barWidth);
      if (value === undefined) {
        parts.push(
          `<text x="${round(x + barWidth / 2)}" y="${baseline - 4}" text-anchor="middle">n/a</text>`,
        );
        return;
      }
      const barHeight = round(value * scale);
      parts.push(
        `<rect x="${x}" y="${round(baseline - barHeight)}" width="${round(barWidth - 4)}" height="${barHeight}" fill="${color(seriesIndex)}"/>`,
        `<text x="${round(x + (barWidth - 4) / 2)}" y="${round(baseline - barHeight - 4)}" text-anchor="middle" font-size="11">${formatValue(value)}</text>`,
      );
    });
    parts.push(
      `<text x="${round(plot.left + (groupIndex + 0.5) * groupWidth)}" y="${baseline + 18}" text-anchor="middle">${escapeXml(group.label)}</text>`,
    );
  });
  return parts.join('\n');
}

function color(index: number): string {
  return palette[index % palette.length] as string;
}

function formatValue(value: number): string {
  return value.toLocaleString('en-US', { maximumFractionDigits: value < 10 ? 1 : 0 });
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
