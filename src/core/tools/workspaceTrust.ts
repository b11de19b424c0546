// Restricted Mode: in an untrusted workspace agents keep their read-only tools, and every changing tool answers the
// model with an error instead of running. Trust is asked at call time, so granting it takes effect at once.

import type { ToolDefinition } from './toolRegistry';

/** Error text a changing tool gives in Restricted Mode (the model relays it to the user). */
export const restrictedModeMessage = (name: string): string =>
  `the workspace is in Restricted Mode, so '${name}' cannot run [workspace_untrusted]. Only read-only tools work until the user trusts the folder ` +
  '(click "Restricted Mode" in the status bar, or run the command "Workspaces: Manage Workspace Trust"). Tell the user, and continue with read-only tools.';

/** The tool, refusing to run while `isTrusted()` is false when it can change anything. */
export function gatedByWorkspaceTrust(tool: ToolDefinition, isTrusted: () => boolean): ToolDefinition {
  if (tool.readOnly) return tool;
  return {
    ...tool,
    unavailableReason: () => (isTrusted() ? tool.unavailableReason?.() : restrictedModeMessage(tool.name)),
    invoke: (args, context) => (isTrusted() ? tool.invoke(args, context) : Promise.reject(new Error(restrictedModeMessage(tool.name)))),
  };
}
