import { Metadata } from '@grpc/grpc-js';
import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { context as otelContext, trace } from '@opentelemetry/api';
import { Observable } from 'rxjs';
import { extractTraceContext } from '@tradewarden/telemetry';
import { callMetadata } from './call-metadata';

/**
 * Runs each gRPC handler in a span that continues the caller's trace from the `traceparent` metadata. With the OTel
 * gRPC instrumentation active this nests under its server span; without it (tests) it is what carries the trace.
 */
@Injectable()
export class GrpcTracingInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'rpc') return next.handle();
    const metadata = callMetadata(context);
    const active = trace.getSpanContext(otelContext.active());
    const parent =
      active || !(metadata instanceof Metadata)
        ? otelContext.active()
        : extractTraceContext({ traceparent: metadata.get('traceparent')[0]?.toString(), tracestate: metadata.get('tracestate')[0]?.toString() });
    const span = trace.getTracer('tradewarden').startSpan(`grpc ${context.getClass().name}.${context.getHandler().name}`, {}, parent);
    const spanContext = trace.setSpan(parent, span);
    return new Observable((subscriber) => {
      const subscription = otelContext.with(spanContext, () => next.handle()).subscribe({
        next: (value) => subscriber.next(value),
        error: (error: unknown) => {
          span.recordException(error as Error);
          span.end();
          subscriber.error(error);
        },
        complete: () => {
          span.end();
          subscriber.complete();
        },
      });
      return () => subscription.unsubscribe();
    });
  }
}
