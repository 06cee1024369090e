import { describeIssues, DomainError } from '@homelab/contracts';
import type { ToolContext } from '../tools/jarvis-tool.js';
import type { JarvisToolRegistry } from '../tools/tool-registry.js';
import { inConversationSpan } from './conversation-trace.js';
import { failure, outcomeOf, type ToolOutcome } from './tool-outcome.js';

/** A tool call as the model made it: its name and raw argument text. */
export interface ToolInvocation {
  name: string;
  arguments: string;
}

/** The arguments as stored: the parsed JSON, or the raw text when it is not JSON. */
export function storedArguments(raw: string): unknown {
  if (raw.trim() === '') return {};
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}

class Stopped extends Error {}

/** Settles with `work`, or rejects with Stopped as soon as the signal fires (the tool may ignore it). */
function untilStopped<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new Stopped());
  return new Promise<T>((resolve, reject) => {
    const stop = (): void => reject(new Stopped());
    signal.addEventListener('abort', stop, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', stop);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', stop);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

function stoppedOutcome(): ToolOutcome {
  return { status: 'failed', summary: 'Stopped before it finished', result: { code: 'STOPPED', message: 'The user stopped the turn before the tool finished' } };
}

/**
 * Runs one tool call for the model. Nothing the model sends can crash the
 * turn: an unknown tool, one the user's role may not use, arguments that are
 * not JSON or do not fit the tool's schema, and a tool that throws all become
 * an error result the model reads. The tool runs in a span of the
 * conversation's trace, so whatever it sends over NATS carries that trace id.
 */
export async function runTool(registry: JarvisToolRegistry, call: ToolInvocation, context: ToolContext): Promise<ToolOutcome> {
  const tool = registry.get(call.name);
  const allowed = registry.available(context.user.role).map((t) => t.name);
  if (!tool || !allowed.includes(tool.name)) {
    const why = tool ? `is not available to ${context.user.role}s` : 'does not exist';
    return failure('UNKNOWN_TOOL', `The tool "${call.name}" ${why}. Available tools: ${allowed.join(', ') || 'none'}.`);
  }
  const raw = storedArguments(call.arguments);
  if (typeof raw === 'string') return failure('INVALID_ARGUMENTS', `The arguments of ${tool.name} are not JSON: ${raw.slice(0, 200)}`);
  const parsed = tool.parameters.safeParse(raw);
  if (!parsed.success) return failure('INVALID_ARGUMENTS', `Invalid arguments for ${tool.name}: ${describeIssues(parsed.error)}`);

  const attributes = { 'jarvis.tool': tool.name, 'jarvis.conversation_id': context.conversationId, 'jarvis.dry_run': context.dryRun };
  try {
    return await inConversationSpan(context.traceId, `jarvis.tool ${tool.name}`, attributes, async () =>
      outcomeOf(await untilStopped(tool.run(parsed.data, context), context.signal)),
    );
  } catch (error) {
    if (error instanceof Stopped || context.signal.aborted) return stoppedOutcome();
    if (error instanceof DomainError) return failure(error.code, error.message);
    return failure('TOOL_FAILED', `${tool.name} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** The outcome with known secret values removed from its summary and result (matched in the result's JSON form). */
export function redactOutcome(outcome: ToolOutcome, redact: (text: string) => string): ToolOutcome {
  const summary = redact(outcome.summary);
  const json = JSON.stringify(outcome.result);
  if (json === undefined) return { ...outcome, summary };
  const cleaned = redact(json);
  if (cleaned === json) return summary === outcome.summary ? outcome : { ...outcome, summary };
  let result: unknown;
  try {
    result = JSON.parse(cleaned) as unknown;
  } catch {
    // a replacement broke the JSON (a secret spanning its syntax): keep the redacted text itself
    result = cleaned;
  }
  return { ...outcome, summary, result };
}
