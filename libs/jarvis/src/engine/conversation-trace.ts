import { randomBytes } from 'node:crypto';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, TraceFlags, type Context, type Span } from '@opentelemetry/api';
import { tracer } from '@homelab/tracing';

const TRACE_ID = /^[0-9a-f]{32}$/;

/** A fresh W3C trace id for a new conversation (never all zeros). */
export function newTraceId(): string {
  for (;;) {
    const id = randomBytes(16).toString('hex');
    if (!/^0+$/.test(id)) return id;
  }
}

/**
 * A context whose parent is a remote, non-recording span of the
 * conversation's trace: spans started in it get the conversation's trace id,
 * and NATS requests made in it carry that id to jarvis-guard (which writes it
 * into its audit records). Works with or without an exporting SDK.
 */
export function conversationContext(traceId: string): Context {
  if (!TRACE_ID.test(traceId)) throw new Error(`not a W3C trace id: ${traceId}`);
  return trace.setSpanContext(ROOT_CONTEXT, {
    traceId,
    spanId: randomBytes(8).toString('hex'),
    traceFlags: TraceFlags.SAMPLED,
    isRemote: true,
  });
}

/** Runs `work` in a span of the conversation's trace; the span records failures and always ends. */
export async function inConversationSpan<T>(
  traceId: string,
  name: string,
  attributes: Record<string, string | number | boolean>,
  work: (span: Span) => Promise<T>,
): Promise<T> {
  return tracer.startActiveSpan(name, { kind: SpanKind.INTERNAL, attributes }, conversationContext(traceId), async (span) => {
    try {
      return await work(span);
    } catch (error) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
      throw error;
    } finally {
      span.end();
    }
  });
}
