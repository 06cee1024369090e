import type { JarvisTool } from './jarvis-tool.js';

const TOOL_NAME = /^[a-z][a-z0-9_]{0,63}$/;

/**
 * The tools Jarvis may call. Feature modules (containers, metrics, domains,
 * Home Assistant, Google …) register theirs at start-up; the conversation
 * engine offers the model the ones the user's role allows.
 */
export class JarvisToolRegistry {
  private readonly tools = new Map<string, JarvisTool>();

  register(tool: JarvisTool): void {
    if (!TOOL_NAME.test(tool.name)) throw new Error(`Jarvis tool name "${tool.name}" must match ${TOOL_NAME}`);
    if (this.tools.has(tool.name)) throw new Error(`Jarvis tool "${tool.name}" is registered twice`);
    this.tools.set(tool.name, tool);
  }

  get(name: string): JarvisTool | undefined {
    return this.tools.get(name);
  }

  /** The tools a user of `role` may have the model call, in registration order. */
  available(role: 'viewer' | 'admin'): JarvisTool[] {
    return [...this.tools.values()].filter((tool) => role === 'admin' || tool.readOnly);
  }
}
