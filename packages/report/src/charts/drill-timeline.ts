import type { TopLevelSpec } from 'vega-lite';
import { chartConfig, plotWidth } from '../chart-theme.ts';

/** One second of a drill's load (the drill JSON's `timeline`): requests by the second they were due, by outcome. */
export interface TimelineSecond {
  second: number;
  ok: number;
  failed: number;
  unauthorized: number;
  otherClientErrors: number;
}

const outcomes = [
  { key: 'ok', label: 'ok (2xx, 3xx)', color: '#cdd4dc' },
  { key: 'failed', label: 'failed (no answer or 5xx)', color: '#c94040' },
  { key: 'unauthorized', label: '401', color: '#e0892b' },
  { key: 'otherClientErrors', label: 'other 4xx', color: '#b34ec4' },
] as const;

/**
 * Requests per second stacked by outcome, with a dashed rule at each moment of the fault (the drill's `marks`, in
 * ms since the load started): the outage reads as the red between the rules.
 */
export function drillTimelineSpec(chart: {
  title: string;
  timeline: TimelineSecond[];
  marks: Record<string, number>;
}): TopLevelSpec {
  // Stacked here rather than by Vega-Lite, whose stacking turns a bar with an x range into a horizontal one.
  const bars = chart.timeline.flatMap((bucket) => {
    let below = 0;
    return outcomes
      .filter((outcome) => bucket[outcome.key] > 0)
      .map((outcome) => {
        const bottom = below;
        below += bucket[outcome.key];
        return { from: bucket.second, to: bucket.second + 1, outcome: outcome.label, bottom, top: below };
      });
  });
  const events = Object.entries(chart.marks).map(([event, ms]) => ({ event, second: ms / 1000 }));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: chart.title,
    config: chartConfig,
    width: plotWidth,
    height: 200,
    layer: [
      {
        data: { values: bars },
        name: 'bars',
        mark: { type: 'rect' },
        encoding: {
          x: { field: 'from', type: 'quantitative', title: 'seconds since the load started' },
          x2: { field: 'to' },
          y: { field: 'bottom', type: 'quantitative', title: 'requests' },
          y2: { field: 'top' },
          color: {
            field: 'outcome',
            type: 'nominal',
            scale: { domain: outcomes.map((o) => o.label), range: outcomes.map((o) => o.color) },
            title: null,
          },
        },
      },
      {
        data: { values: events },
        name: 'events',
        mark: { type: 'rule', color: '#222222', strokeWidth: 1.5 },
        encoding: {
          x: { field: 'second', type: 'quantitative' },
          strokeDash: { field: 'event', type: 'nominal', title: null, sort: null },
        },
      },
    ],
  };
}
