import { context, propagation, trace, SpanStatusCode, type Context, type Link, type Span, type SpanOptions } from '@opentelemetry/api';

const tracer = () => trace.getTracer('tradewarden');

/**
 * Runs fn inside a new active span (child of the current or of the given context), ending it afterwards. `options`
 * give the span's kind (CLIENT for calls to an MT server), attributes and links.
 */
export async function withSpan<T>(name: string, fn: (span: Span) => Promise<T>, parent?: Context, options: SpanOptions = {}): Promise<T> {
  return tracer().startActiveSpan(name, options, parent ?? context.active(), async (span) => {
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

/**
 * Runs fn in a child span of the active one, or without a span when no trace is active: calls made on their own
 * (a keep-alive ping) would otherwise each become a trace of their own.
 */
export async function withChildSpan<T>(name: string, fn: (span: Span | undefined) => Promise<T>, options: SpanOptions = {}): Promise<T> {
  return currentTraceId() ? withSpan(name, fn, undefined, options) : fn(undefined);
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

/**
 * A link to the active span, for work that continues another trace (an operation's) but was caused by this one (an
 * approver's call): the new span's trace stays the operation's, and the link leads to the cause. Empty without a span.
 */
export function linksToActiveSpan(): Link[] {
  const spanContext = trace.getSpanContext(context.active());
  return spanContext && trace.isSpanContextValid(spanContext) ? [{ context: spanContext }] : [];
}

/**
 * A span that started earlier under the given parent (e.g. one event's trace) and is ended by the caller: the per-event
 * spans of a batch, which all share one transaction. Not made active.
 */
export function startSpanAt(name: string, parent: Context, startTime: number, options: SpanOptions = {}): Span {
  return tracer().startSpan(name, { ...options, startTime }, parent);
}

export function runInContext<T>(ctx: Context, fn: () => T): T {
  return context.with(ctx, fn);
}
