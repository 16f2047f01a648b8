import { Gauge } from 'prom-client';
import { metricOnce, type Registry } from './registry.ts';

/** Each value of the gauge's label with its sample at this scrape. */
export type ScrapedSamples = Iterable<readonly [string, number]>;

export interface ScrapedGaugeOptions {
  name: string;
  help: string;
  /** The one label that tells the samples apart (`pool`, `kind`). */
  label: string;
  /** The samples now; `undefined` when the source could not be read, which leaves this scrape without samples. */
  read: () => ScrapedSamples | undefined | Promise<ScrapedSamples | undefined>;
}

/**
 * A gauge read from its source at scrape time, never from a copy kept in step. It is emptied before each read, so a
 * label value the source no longer has leaves the scrape. Created once per registry (see `metricOnce`): the first
 * caller's `read` serves every later one, so it must cover all the sources registered with that registry.
 */
export function scrapedGauge(registry: Registry, options: ScrapedGaugeOptions): void {
  const { name, help, label, read } = options;
  metricOnce(
    registry,
    name,
    () =>
      new Gauge({
        name,
        help,
        labelNames: [label],
        registers: [registry],
        async collect() {
          this.reset();
          for (const [value, sample] of (await read()) ?? []) this.set({ [label]: value }, sample);
        },
      }),
  );
}
