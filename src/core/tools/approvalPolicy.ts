// Whether a tool call may run at once. The thread's "always allow" choices live in its metadata (values must be
// strings there), so they travel with the thread and disappear when it is deleted.

import type { ApprovalPolicy } from '../domain/agent';
import type { Metadata } from '../domain/common';
import type { ForcedApproval, ToolDefinition } from './toolRegistry';

/** Thread metadata key holding the comma-separated tools the user allowed for the whole thread. */
export const ALLOWED_TOOLS_KEY = 'allowed_tools';

/** The policy for one call: the agent's setting, else the tool's default; "always allow" turns ask into auto. */
export function resolveApprovalPolicy(
  agentPolicy: Record<string, ApprovalPolicy>,
  tool: Pick<ToolDefinition, 'name' | 'readOnly'>,
  allowedForThread: ReadonlySet<string>,
): ApprovalPolicy {
  const policy = agentPolicy[tool.name] ?? (tool.readOnly ? 'auto' : 'ask');
  // An explicit deny is the agent author's decision and outranks the user's convenience setting.
  return policy === 'ask' && allowedForThread.has(tool.name) ? 'auto' : policy;
}

/** The policy once a call's forced approval is applied: auto becomes ask; deny stays deny, since refusing is safer still. */
export function applyForcedApproval(policy: ApprovalPolicy, forced: ForcedApproval | undefined): ApprovalPolicy {
  return forced && policy === 'auto' ? 'ask' : policy;
}

/** The tools the user allowed for this thread. */
export function allowedToolsOf(metadata: Metadata | null | undefined): Set<string> {
  const value = metadata?.[ALLOWED_TOOLS_KEY] ?? '';
  return new Set(
    value
      .split(',')
      .map((name) => name.trim())
      .filter(Boolean),
  );
}

/** Metadata with `names` added to the thread's allowed tools. */
export function withAllowedTools(metadata: Metadata, names: Iterable<string>): Metadata {
  const allowed = allowedToolsOf(metadata);
  for (const name of names) allowed.add(name);
  return { ...metadata, [ALLOWED_TOOLS_KEY]: [...allowed].sort().join(',') };
}
