// Two harmless tools every installation has, so agents (and tests) can exercise the tool loop without touching
// the workspace; echo is for tests and is not offered in the agent editor.

import { defineTool } from './defineTool';
import { BuiltinToolName } from './toolNames';
import type { ToolDefinition } from './toolRegistry';

/** Returns the current time as an ISO 8601 string. */
export function getTimeTool(now: () => Date = () => new Date()): ToolDefinition {
  return {
    name: BuiltinToolName.getTime,
    description: 'Returns the current date and time as an ISO 8601 string (UTC).',
    parameters: { type: 'object', properties: {}, additionalProperties: false },
    readOnly: true,
    invoke: async () => now().toISOString(),
  };
}

/** Returns the `text` argument unchanged. */
export const echoTool: ToolDefinition = defineTool({
  name: BuiltinToolName.echo,
  description: 'Returns the given text unchanged.',
  parameters: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'], additionalProperties: false },
  readOnly: true,
  devOnly: true,
  invoke: async ({ text }) => text,
});

/** The built-in tools, fresh for one registry. */
export function builtinTools(): ToolDefinition[] {
  return [getTimeTool(), echoTool];
}
