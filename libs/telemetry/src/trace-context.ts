import { context, propagation, trace, SpanStatusCode, type Context, type Span } from '@opentelemetry/api';

const tracer = () => trace.getTracer('tradewarden');

/** Runs fn inside a new active span (child of the current or of the given context), ending it afterwards. */
export async function withSpan<T>(name: string, fn: (span: Span) => Promise<T>, parent?: Context): Promise<T> {
  return tracer().startActiveSpan(name, {}, parent ?? context.active(), async (span) => {
    try {
      return await fn(span);
    } catch (error) {
      span.recordException(error as Error);
      span.setStatus({ code: SpanStatusCode.ERROR });
      throw error;
    } finally {
      span.end();
    }
  });
}

/** The W3C trace id of the active span, or '' when there is none. */
export function currentTraceId(): string {
  const spanContext = trace.getSpanContext(context.active());
  return spanContext && trace.isSpanContextValid(spanContext) ? spanContext.traceId : '';
}

/** W3C trace headers (traceparent, tracestate) of the active context, for Kafka headers or gRPC metadata. */
export function injectTraceHeaders(): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier;
}

/** The context described by W3C trace headers (values as Kafka delivers them: strings or Buffers). */
export function extractTraceContext(headers: Record<string, string | Buffer | undefined>): Context {
  const carrier: Record<string, string> = {};
  for (const [key, value] of Object.entries(headers)) {
    if (value !== undefined) carrier[key] = value.toString();
  }
  return propagation.extract(context.active(), carrier);
}

export function runInContext<T>(ctx: Context, fn: () => T): T {
  return context.with(ctx, fn);
}
