import type { Run, RunEvent } from '../core/domain';
import type { Event } from '../core/util/emitter';

/** A decision on one tool call that waits for approval. */
export interface ToolApproval {
  tool_call_id: string;
  approve: boolean;
  alwaysForThread?: boolean;
}

/** What the UI needs from whatever runs agents (the local run engine today, a remote service later). */
export interface RunService {
  readonly onEvent: Event<RunEvent>;
  createRun(threadId: string, agentId: string): Promise<Run>;
  cancelRun(threadId: string, runId: string): Promise<unknown>;
  submitToolApprovals(threadId: string, runId: string, approvals: ToolApproval[]): Promise<unknown>;
  activeRun(threadId: string): Run | undefined;
}
