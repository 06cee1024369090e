import type { z } from 'zod';

/** Who is talking to Jarvis: the logged-in dashboard user. */
export interface ToolUser {
  id: string;
  username: string;
  role: 'viewer' | 'admin';
}

/** Something a tool reports while it runs (shown in the chat), e.g. that it waits for an approval. */
export interface ToolProgress {
  kind: string;
  message: string;
  data?: Record<string, unknown>;
}

export interface ToolContext {
  conversationId: string;
  /** The conversation's trace id: every tool call runs in a span of this trace, so it reaches the guard's audit log. */
  traceId: string;
  user: ToolUser;
  /** The conversation is in dry-run mode: tools that act only say what they would do. */
  dryRun: boolean;
  /** Aborted when the user presses stop (or the dashboard shuts down). */
  signal: AbortSignal;
  progress(event: ToolProgress): void;
}

/** What a tool hands back to the model (as JSON) and to the chat. */
export type ToolResult =
  | { ok: true; content: unknown; summary?: string }
  | { ok: false; error: { code: string; message: string } };

/**
 * A typed tool the model may call. Jarvis acts on the homelab only through
 * jarvis-guard: every tool is read-only except `run_command`, which sends the
 * command to the guard over NATS.
 */
export interface JarvisTool<A extends z.ZodType = z.ZodType> {
  /** `^[a-z][a-z0-9_]{0,63}$`: what the model calls. */
  readonly name: string;
  /** For the model: what it does and when to use it. */
  readonly description: string;
  /** Validated before `run`; also sent to the model as JSON Schema. */
  readonly parameters: A;
  /** Read-only tools are offered to viewers too; the others to admins only. */
  readonly readOnly: boolean;
  run(args: z.output<A>, context: ToolContext): Promise<ToolResult>;
}
