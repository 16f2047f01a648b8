import { isSpanContextValid, trace } from '@opentelemetry/api';

/**
 * The trace and span of the code that logs, for pino's `mixin`: a log line then leads to its trace in Zipkin (and
 * back). Empty when tracing is off or the line is written outside a request.
 */
export function traceLogFields(): { trace_id?: string; span_id?: string } {
  const spanContext = trace.getActiveSpan()?.spanContext();
  if (!spanContext || !isSpanContextValid(spanContext)) return {};
  return { trace_id: spanContext.traceId, span_id: spanContext.spanId };
}
