import { z } from 'zod';
import type { ModelTool } from '../model/model-client.js';
import type { JarvisTool } from './jarvis-tool.js';

const definitions = new WeakMap<JarvisTool, ModelTool>();

/** The tool as the chat API wants it: its zod parameters as JSON Schema (what the model may send). */
export function toolDefinition(tool: JarvisTool): ModelTool {
  let definition = definitions.get(tool);
  if (!definition) {
    const { $schema: _ignored, ...parameters } = z.toJSONSchema(tool.parameters, { io: 'input', unrepresentable: 'any' });
    definition = { type: 'function', function: { name: tool.name, description: tool.description, parameters } };
    definitions.set(tool, definition);
  }
  return definition;
}
