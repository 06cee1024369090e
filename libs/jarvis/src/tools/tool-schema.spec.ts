import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { JarvisTool } from './jarvis-tool.js';
import { toolDefinition } from './tool-schema.js';

describe('toolDefinition', () => {
  it('sends the zod parameters as JSON Schema of what the model may send (defaults optional)', () => {
    const tool: JarvisTool = {
      name: 'container_logs',
      description: 'reads logs',
      parameters: z.object({ host: z.string().describe('Docker host'), lines: z.number().int().min(1).max(500).default(100) }).strict(),
      readOnly: true,
      run: async () => ({ ok: true, content: null }),
    };
    const definition = toolDefinition(tool);
    expect(definition).toEqual({
      type: 'function',
      function: {
        name: 'container_logs',
        description: 'reads logs',
        parameters: {
          type: 'object',
          properties: { host: { type: 'string', description: 'Docker host' }, lines: { type: 'integer', minimum: 1, maximum: 500, default: 100 } },
          required: ['host'],
          additionalProperties: false,
        },
      },
    });
    expect(toolDefinition(tool)).toBe(definition);
  });
});
