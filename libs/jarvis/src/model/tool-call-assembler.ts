/** A tool call as the model finished it: `arguments` is its raw text (JSON when the model behaves). */
export interface AssembledToolCall {
  id: string;
  name: string;
  arguments: string;
}

/** One `delta.tool_calls[]` entry of a streamed chunk. */
export interface ToolCallDelta {
  index: number;
  id?: string | undefined;
  function?: { name?: string | undefined; arguments?: string | undefined } | undefined;
}

interface Partial {
  id: string | undefined;
  name: string;
  arguments: string;
}

/**
 * Puts streamed tool-call fragments back together. OpenAI sends the id and
 * name once, then the arguments in pieces, keyed by `index`; some servers
 * send every call whole under index 0 — a new id at an index that already
 * holds a named call starts a new call.
 */
export class ToolCallAssembler {
  private readonly calls: Partial[] = [];
  private readonly byIndex = new Map<number, Partial>();

  push(deltas: readonly ToolCallDelta[] | null | undefined): void {
    for (const delta of deltas ?? []) {
      let call = this.byIndex.get(delta.index);
      if (!call || (delta.id !== undefined && call.id !== undefined && delta.id !== call.id && call.name !== '')) {
        call = { id: delta.id, name: '', arguments: '' };
        this.byIndex.set(delta.index, call);
        this.calls.push(call);
      }
      if (delta.id !== undefined && call.id === undefined) call.id = delta.id;
      if (delta.function?.name) call.name += delta.function.name;
      if (delta.function?.arguments) call.arguments += delta.function.arguments;
    }
  }

  /** The finished calls, in the order they began; missing or repeated ids are replaced so each is unique. */
  finish(): AssembledToolCall[] {
    const seen = new Set<string>();
    return this.calls.map((call, position) => {
      let id = call.id && call.id.trim() !== '' ? call.id : `call_${position}`;
      if (seen.has(id)) id = `${id}_${position}`;
      seen.add(id);
      return { id, name: call.name, arguments: call.arguments };
    });
  }
}
