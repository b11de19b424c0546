// Tools other extensions and MCP servers offer through vscode.lm.tools, exposed to agents under a prefixed name.
// VS Code shows its own confirmation when such a tool wants one; here they are treated as changing tools (our
// policy asks by default) because nothing says what they touch.

import * as vscode from 'vscode';
import type { JsonSchemaObject } from '../../core/model/types';
import type { ToolDefinition } from '../../core/tools/toolRegistry';
import { tokenFor } from './readTools';

/** Prefix of every tool name taken from vscode.lm.tools. */
export const LM_TOOL_PREFIX = 'vscode_';

/**
 * The registry name of a vscode.lm tool: prefixed, invalid characters replaced, at most 64 characters. VS Code's
 * own tools already start with the prefix (`vscode_searchExtensions_internal`); they keep their name rather than
 * read `vscode_vscode_…`.
 */
export function lmToolName(name: string): string {
  const safe = name.replace(/[^a-zA-Z0-9_-]/g, '_');
  return (safe.startsWith(LM_TOOL_PREFIX) ? safe : `${LM_TOOL_PREFIX}${safe}`).slice(0, 64);
}

/** Tool definitions for every tool in vscode.lm.tools (as listed now; API 1.100 has no change event). */
export function languageModelTools(tools: readonly vscode.LanguageModelToolInformation[] = vscode.lm.tools): ToolDefinition[] {
  const seen = new Set<string>();
  return tools.flatMap((info) => {
    const name = lmToolName(info.name);
    if (seen.has(name)) return [];
    seen.add(name);
    return [
      {
        name,
        description: `${info.description} (VS Code tool ${info.name})`.slice(0, 1024),
        parameters: objectSchema(info.inputSchema),
        readOnly: false,
        describeCall: () => `VS Code tool ${info.name}`,
        invoke: async (args, context) => {
          const cancel = tokenFor(context.signal);
          try {
            const result = await vscode.lm.invokeTool(info.name, { input: args as object, toolInvocationToken: undefined }, cancel.token);
            return resultText(result);
          } finally {
            cancel.dispose();
          }
        },
      },
    ];
  });
}

function objectSchema(schema: object | undefined): JsonSchemaObject {
  const candidate = schema as { type?: unknown } | undefined;
  if (candidate && candidate.type === 'object') return candidate as JsonSchemaObject;
  return { type: 'object', properties: {} };
}

/** The text of a tool result: text parts as they are, other parts as JSON or a note. */
export function resultText(result: vscode.LanguageModelToolResult): string {
  const parts = result.content.map((part) => {
    if (part instanceof vscode.LanguageModelTextPart) return part.value;
    if (part instanceof vscode.LanguageModelPromptTsxPart) return JSON.stringify(part.value);
    return `[a ${(part as object)?.constructor?.name ?? 'non-text'} part that cannot be shown as text]`;
  });
  return parts.join('\n') || '(the tool returned nothing)';
}
