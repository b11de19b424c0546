// "Always allow in this thread" on an approval, for both Foundry backends: the tools approved that way are kept in
// the thread's metadata, where the approval rules of later runs read them (see tools/approvalPolicy).

import type { RequiredActionToolCall, ToolApproval } from '../../domain/run';
import { withAllowedTools } from '../../tools/approvalPolicy';
import type { ThreadRepository } from '../backend';

/** Records the tools of `calls` that `approvals` allowed for the rest of the thread; nothing when none did. */
export async function rememberAlwaysAllowed(
  threads: Pick<ThreadRepository, 'get' | 'update'>,
  threadId: string,
  approvals: readonly ToolApproval[],
  calls: readonly RequiredActionToolCall[],
): Promise<void> {
  const always = approvals
    .filter((a) => a.approve && a.alwaysForThread)
    .map((a) => calls.find((c) => c.id === a.tool_call_id)?.function.name)
    .filter((name): name is string => !!name);
  if (always.length === 0) return;
  const thread = await threads.get(threadId);
  await threads.update(threadId, { metadata: withAllowedTools(thread.metadata, always) });
}
