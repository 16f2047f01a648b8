import type { TopLevelSpec } from 'vega-lite';
import { chartConfig, plotWidth } from '../chart-theme.ts';
import { formatValue } from './format-value.ts';
import { wrapText } from './wrap-text.ts';

/** One small chart with its own scale: figures of different sizes stay readable side by side. */
export interface ChartPanel {
  title: string;
  unit: string;
  /** One cluster of bars per group; `values` follow the series order, undefined where nothing was measured. */
  groups: { label: string; values: (number | undefined)[] }[];
  /** The panel's own series when it compares other things than the chart's. */
  series?: string[];
}

export interface BarChart {
  title: string;
  /** The bars of each group, e.g. ["stage 1", "stage 2"], unless a panel names its own. */
  series: string[];
  panels: ChartPanel[];
}

interface BarRow {
  group: string;
  series: string;
  value: number | null;
  label: string;
  /** Where the label stands: after its bar, or at zero for "n/a" (a null position would drop the label). */
  labelAt: number;
}

/** One panel of the vertical concatenation: vega-lite exports no name for it. */
type PanelSpec = Extract<TopLevelSpec, { vconcat: unknown }>['vconcat'][number];

const barThickness = 16;
const groupGap = 14;
/** Group labels wrap after this many characters, so a long one takes lines rather than the plot's width. */
const labelLineLength = 26;
const titleLineLength = 64;
/** Room right of the longest bar for its value. */
const valueHeadroom = 1.18;

/** Grouped horizontal bars, one panel under the other, each with its own scale and legend: long labels stay whole. */
export function barChartSpec(chart: BarChart): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: chart.title,
    config: chartConfig,
    vconcat: chart.panels.map((panel, index) => panelSpec(panel, panel.series ?? chart.series, index)),
    spacing: 28,
    resolve: {
      scale: { color: 'independent', x: 'independent', y: 'independent', yOffset: 'independent' },
      legend: { color: 'independent' },
    },
  };
}

/** Vega-Lite names a unit's data and marks after its `name`: two panels with one name would draw one's data twice. */
function panelSpec(panel: ChartPanel, series: string[], index: number): PanelSpec {
  const rows: BarRow[] = panel.groups.flatMap((group) =>
    series.map((name, seriesIndex) => {
      const value = group.values[seriesIndex];
      return {
        group: wrapText(group.label, labelLineLength).join('\n'),
        series: name,
        value: value ?? null,
        label: value === undefined ? 'n/a' : formatValue(value),
        labelAt: value ?? 0,
      };
    }),
  );
  const height = panel.groups.length * (series.length * barThickness + groupGap);
  const largest = Math.max(0, ...rows.map((row) => row.value ?? 0));
  const x = {
    field: 'value',
    type: 'quantitative',
    title: panel.unit,
    scale: { domainMax: largest > 0 ? largest * valueHeadroom : 1, nice: false },
  } as const;
  const y = {
    field: 'group',
    type: 'nominal',
    sort: null,
    title: null,
    axis: { labelExpr: "split(datum.label, '\\n')" },
  } as const;
  const yOffset = { field: 'series', type: 'nominal', sort: series } as const;
  return {
    title: {
      text: wrapText(`${panel.title} (${panel.unit})`, titleLineLength),
      fontSize: 13,
      frame: 'group',
    },
    width: plotWidth,
    height,
    data: { values: rows },
    encoding: { y, yOffset },
    layer: [
      {
        name: `panel${index}_bars`,
        mark: { type: 'bar' },
        transform: [{ filter: 'datum.value != null' }],
        encoding: {
          x,
          color: { field: 'series', type: 'nominal', scale: { domain: series }, title: null },
        },
      },
      {
        name: `panel${index}_values`,
        mark: { type: 'text', align: 'left', dx: 4, fontSize: 10 },
        encoding: {
          x: { ...x, field: 'labelAt' },
          text: { field: 'label' },
        },
      },
    ],
  };
}
