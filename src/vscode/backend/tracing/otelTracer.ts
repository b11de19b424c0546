// The tracing port (src/core/util/tracing.ts) on OpenTelemetry: spans are batched and sent to an OTLP/HTTP receiver
// as JSON (no protobuf or gRPC). This module and the OpenTelemetry packages are their own bundle, dist/tracing.js,
// loaded only when a user turns tracing on (see esbuild.mjs and tracingController.ts). No `vscode` import here.

import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes, type Span } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { SpanAttributes, StartSpanOptions, TraceSpan, Tracer } from '../../../core/util/tracing';

export interface OtelTracerOptions {
  /** An OTLP/HTTP receiver: its base URL (…:4318, `/v1/traces` is added) or the full traces URL. */
  endpoint: string;
  /** Whether message text, instructions and tool arguments and results may be put on spans. */
  captureContent: boolean;
  serviceVersion: string;
  /** How long spans wait to be sent in a batch. Default 2 s. */
  scheduledDelayMs?: number;
}

/** A tracer that exports to OTLP/HTTP, with a way to send what is pending and to stop. */
export interface ExportingTracer extends Tracer {
  /** Sends every ended span now. */
  flush(): Promise<void>;
  /** Sends what is pending and stops exporting. */
  shutdown(): Promise<void>;
}

/** The traces URL of an endpoint setting: the base URL of a receiver gets the OTLP path `/v1/traces`. */
export function tracesUrl(endpoint: string): string {
  const url = new URL(endpoint.trim());
  if (!url.pathname.endsWith('/v1/traces')) url.pathname = `${url.pathname.replace(/\/+$/, '')}/v1/traces`;
  return url.toString();
}

class OtelSpan implements TraceSpan {
  constructor(readonly span: Span) {}

  setAttributes(attributes: SpanAttributes): void {
    this.span.setAttributes(defined(attributes));
  }

  fail(errorType: string, message: string): void {
    this.span.setAttribute('error.type', errorType);
    this.span.setStatus({ code: SpanStatusCode.ERROR, message });
  }

  end(): void {
    this.span.end();
  }
}

/** Builds a tracer that batches spans to `options.endpoint`. */
export function createOtelTracer(options: OtelTracerOptions): ExportingTracer {
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'agent-threads', 'service.version': options.serviceVersion }),
    spanProcessors: [
      new BatchSpanProcessor(new OTLPTraceExporter({ url: tracesUrl(options.endpoint) }), {
        scheduledDelayMillis: options.scheduledDelayMs ?? 2_000,
      }),
    ],
  });
  const tracer = provider.getTracer('agent-threads', options.serviceVersion);
  return {
    enabled: true,
    captureContent: options.captureContent,
    startSpan(name: string, start: StartSpanOptions = {}): TraceSpan {
      // A parent from a tracer that was switched off since is not ours: the span starts a trace of its own.
      const parent = start.parent instanceof OtelSpan ? trace.setSpan(ROOT_CONTEXT, start.parent.span) : ROOT_CONTEXT;
      const kind = start.kind === 'client' ? SpanKind.CLIENT : SpanKind.INTERNAL;
      return new OtelSpan(tracer.startSpan(name, { kind, attributes: defined(start.attributes ?? {}) }, parent));
    },
    flush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
}

/** Attributes without the undefined ones (an optional request field that was not set). */
function defined(attributes: SpanAttributes): Attributes {
  const result: Attributes = {};
  for (const [key, value] of Object.entries(attributes)) if (value !== undefined) result[key] = value;
  return result;
}
