// The tracing port of the core: runs, model calls and tool calls open spans through it, without knowing what (if
// anything) records them. The OpenTelemetry implementation lives in src/vscode/backend/tracing/ and is loaded only
// when tracing is on; until then every span is the do-nothing span below, which costs a few property reads.

/** An attribute value as OpenTelemetry takes it. */
export type SpanAttributeValue = string | number | boolean | string[] | number[];
export type SpanAttributes = Record<string, SpanAttributeValue | undefined>;

/** CLIENT for calls that leave the process (model calls), INTERNAL for the rest. */
export type SpanKind = 'internal' | 'client';

/** One open span: attributes can be added until it ends; `fail` marks it as an error. */
export interface TraceSpan {
  setAttributes(attributes: SpanAttributes): void;
  /** Marks the span as failed with a short error type (`error.type`) and a message for the status. */
  fail(errorType: string, message: string): void;
  end(): void;
}

export interface StartSpanOptions {
  kind?: SpanKind;
  attributes?: SpanAttributes;
  /** The span this one belongs to; none starts a new trace. */
  parent?: TraceSpan;
}

/** Where spans are started. `captureContent` says whether message text may be put on spans (off by default). */
export interface Tracer {
  readonly enabled: boolean;
  readonly captureContent: boolean;
  startSpan(name: string, options?: StartSpanOptions): TraceSpan;
}

const noopSpan: TraceSpan = {
  setAttributes: () => undefined,
  fail: () => undefined,
  end: () => undefined,
};

/** The tracer used while tracing is off. */
export const noopTracer: Tracer = {
  enabled: false,
  captureContent: false,
  startSpan: () => noopSpan,
};

/** A tracer whose implementation can be swapped while the extension runs (a setting turns tracing on or off). */
export class SwitchableTracer implements Tracer {
  private current: Tracer = noopTracer;

  get enabled(): boolean {
    return this.current.enabled;
  }

  get captureContent(): boolean {
    return this.current.captureContent;
  }

  /** Replaces the implementation; spans already open stay with the one that started them. */
  use(tracer: Tracer): void {
    this.current = tracer;
  }

  startSpan(name: string, options?: StartSpanOptions): TraceSpan {
    return this.current.startSpan(name, options);
  }
}
