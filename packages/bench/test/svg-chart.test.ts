import { describe, expect, it } from 'vitest';
import { type BarChart, escapeXml, renderBarChart } from '../src/svg-chart.ts';

function buildChart(overrides: Partial<BarChart> = {}): BarChart {
  return {
    title: 'stage 2 vs stage 1',
    series: ['stage 1', 'stage 2'],
    panels: [
      {
        title: 'Read latency',
        unit: 'ms',
        groups: [
          { label: 'p95', values: [400, 100] },
          { label: 'p99', values: [800, 200] },
        ],
      },
      { title: 'Churn', unit: 'per s', groups: [{ label: 'successes/s', values: [50, undefined] }] },
    ],
    ...overrides,
  };
}

function bars(svg: string): { height: number; fill: string }[] {
  return [
    ...svg.matchAll(/<rect x="[\d.]+" y="[\d.]+" width="[\d.]+" height="([\d.]+)" fill="(#[0-9a-f]+)"\/>/g),
  ].map((match) => ({ height: Number(match[1]), fill: match[2] as string }));
}

describe('renderBarChart', () => {
  it('When rendering two panels, then it is one SVG document with a bar per measured value', () => {
    const svg = renderBarChart(buildChart());
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    // Five measured values; the legend's two swatches are 12x12 squares, excluded by the pattern below.
    const plotted = bars(svg).filter((bar) => bar.height !== 12);
    expect(plotted).toHaveLength(5);
    expect(svg).toContain('>n/a</text>');
  });

  it('When values differ, then bar heights are proportional within a panel and each series keeps its colour', () => {
    const [p95Before, p95After, p99Before, p99After] = bars(renderBarChart(buildChart())).filter(
      (bar) => bar.height !== 12,
    );
    expect((p95Before?.height as number) / (p95After?.height as number)).toBeCloseTo(4, 1);
    expect((p99Before?.height as number) / (p95Before?.height as number)).toBeCloseTo(2, 1);
    expect(p95Before?.fill).toBe(p99Before?.fill);
    expect(p95After?.fill).toBe(p99After?.fill);
    expect(p95Before?.fill).not.toBe(p95After?.fill);
  });

  it('When a panel has series of its own, then it draws its own legend and a bar per series', () => {
    const svg = renderBarChart(
      buildChart({
        series: [],
        panels: [
          {
            title: 'Sessions',
            unit: '%',
            series: ['memory', 'Redis', 'sticky'],
            groups: [{ label: 'refused', values: [66, 1, 70] }],
          },
        ],
      }),
    );
    for (const name of ['memory', 'Redis', 'sticky']) expect(svg).toContain(`>${name}</text>`);
    const fills = [...svg.matchAll(/height="[\d.]+" fill="(#[0-9a-f]+)"\/>/g)]
      .map((match) => match[1])
      .filter((fill) => fill !== '#ffffff');
    // Three legend swatches and three bars, in the same three colours.
    expect(fills).toHaveLength(6);
    expect(new Set(fills).size).toBe(3);
  });

  it('When labels hold markup characters, then they are escaped', () => {
    const svg = renderBarChart(buildChart({ title: 'p95 <ms> & "ratio"' }));
    expect(svg).toContain('p95 &lt;ms&gt; &amp; &quot;ratio&quot;');
    expect(escapeXml('a<b')).toBe('a&lt;b');
  });
});
