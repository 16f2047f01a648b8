import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { ZipkinExporter } from '@opentelemetry/exporter-zipkin';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { createInstrumentations } from './instrumentations.ts';
import type { TracingConfig } from './tracing-config.ts';

export interface Tracing {
  /** Exports the spans still buffered; the process calls it when it closes, so the last requests are not lost. */
  flush(): Promise<void>;
  /** Flushes, then stops exporting; nothing is traced afterwards. */
  shutdown(): Promise<void>;
}

/** A flush or shutdown that Zipkin does not answer in this time gives up: closing must not hang on a tracer. */
const exportTimeoutMs = 5_000;

/**
 * Keeps `ratio` of the traces, chosen by trace id, so every service and replica keeps the same ones. A span inside
 * this process follows its parent. A caller's `sampled` flag makes a trace eligible but does not force it in:
 * nginx marks every request it starts a trace for, and a client must not be able to make the servers record
 * everything it sends; a caller's "not sampled" is followed.
 */
function parentBasedRatio(ratio: number): ParentBasedSampler {
  const byTraceId = new TraceIdRatioBasedSampler(ratio);
  return new ParentBasedSampler({ root: byTraceId, remoteParentSampled: byTraceId });
}

/**
 * Installs OpenTelemetry for the whole process: W3C trace context (a request's traceparent continues its caller's
 * trace), a sampler that keeps OTEL_TRACES_SAMPLER_ARG of the traces, and a batching Zipkin exporter. With
 * OTEL_TRACES_EXPORTER=none nothing is installed and nothing is patched.
 */
export function startTracing(config: TracingConfig): Tracing | undefined {
  if (config.OTEL_TRACES_EXPORTER === 'none') return undefined;
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': config.OTEL_SERVICE_NAME }),
    sampler: parentBasedRatio(config.OTEL_TRACES_SAMPLER_ARG),
    spanProcessors: [
      new BatchSpanProcessor({
        exporter: new ZipkinExporter({ url: config.OTEL_EXPORTER_ZIPKIN_ENDPOINT }),
        // Bounded: when Zipkin is slow or away, spans beyond this are dropped rather than held in memory.
        maxQueueSize: 4096,
        exportTimeoutMillis: exportTimeoutMs,
      }),
    ],
  });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
  registerInstrumentations({ instrumentations: createInstrumentations(), tracerProvider: provider });
  return {
    flush: () => provider.forceFlush({ timeoutMillis: exportTimeoutMs }),
    shutdown: () => provider.shutdown(),
  };
}
