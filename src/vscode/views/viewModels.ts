import type { Message, Run, RunStep, Thread, Agent } from '../../core/domain';
import { visibleBidiControls } from '../../core/domain/displayText';
import { type BudgetPause, messageText, TERMINAL_RUN_STATUSES, waitingToolCalls } from '../../core/domain';
import { deniedByUserOutput } from '../../core/runs/toolRound';
import { summaryInfo } from '../../core/runs/summaryRecord';
import type { AgentOption, MessageVersionsView, MessageView, RunView, ThreadView, ToolCallView } from '../../protocol/threadView';
import type { MessageVersions } from '../../core/fork';

/** The domain message as the webview renders it. */
export function toMessageView(message: Message): MessageView {
  const images: MessageView['images'] = [];
  const files: string[] = [];
  for (const part of message.content) {
    if (part.type === 'image_url' && part.image_url.url.startsWith('data:image/'))
      images.push({ src: part.image_url.url, alt: 'Attached image' });
    else if (part.type === 'image_file') files.push(part.image_file.path);
    else if (part.type === 'file_ref') files.push(part.path);
  }
  for (const attachment of message.attachments ?? []) if (!files.includes(attachment.path)) files.push(attachment.path);
  return {
    id: message.id,
    role: message.role,
    text: messageText(message),
    images,
    files,
    toolCalls: (message.tool_calls ?? []).map((call) => ({
      id: call.id,
      name: call.function.name,
      arguments: call.function.arguments,
      output: call.function.output,
      status: messageToolCallStatus(call.function.name, call.function.output),
    })),
    // Only the summary: the encrypted reasoning never leaves the extension host for the view.
    ...(message.reasoning?.summary.length ? { reasoning: [...message.reasoning.summary] } : {}),
    status: message.status,
    createdAt: message.created_at,
    runId: message.run_id,
    agentId: message.role === 'assistant' ? message.assistant_id : null,
    agentVersion: message.role === 'assistant' ? (message.assistant_version ?? null) : null,
    ...summaryView(message),
  };
}

/**
 * A message keeps only a call's output, not its status; every refusal or failure is worded "Error: …" for the model
 * (see toolRound and ToolRegistry), so the status is read back from that.
 */
function messageToolCallStatus(name: string, output: string | null): ToolCallView['status'] {
  if (output === null) return 'in_progress';
  if (output === deniedByUserOutput(name)) return 'denied';
  return output.startsWith('Error:') ? 'failed' : 'completed';
}

/** How the approval card describes a pending call (tools give a one-line preview; edits can show a diff). */
export interface ApprovalPreviewer {
  describe(name: string, rawArguments: string): string | undefined;
  hasDiff(name: string): boolean;
}

/** The run with its steps as the webview renders it; `diffs` are the compact diffs of pending calls, by call id. */
export function toRunView(
  run: Run,
  steps: RunStep[],
  previews?: ApprovalPreviewer,
  diffs: ReadonlyMap<string, string> = new Map(),
  now: () => number = () => Date.now(),
): RunView {
  return {
    id: run.id,
    status: run.status,
    model: `${run.model.profile} / ${run.model.name}`,
    usage: run.usage,
    lastError: run.last_error ? { code: run.last_error.code, message: run.last_error.message } : null,
    pendingApprovals:
      run.status === 'requires_action'
        ? waitingToolCalls(run.required_action).map((call) => ({
            id: call.id,
            name: call.function.name,
            arguments: call.function.arguments,
            preview: previews?.describe(call.function.name, call.function.arguments),
            canShowDiff: previews?.hasDiff(call.function.name) ?? false,
            diff: diffs.get(call.id),
          }))
        : [],
    ...(run.status === 'requires_action' && run.required_action?.type === 'budget_exceeded'
      ? { budgetPause: budgetPauseView(run.required_action.budget_exceeded) }
      : {}),
    durationMs: runDurationMs(run, now),
    steps: steps.map((step) => ({
      id: step.id,
      type: step.type,
      status: step.status,
      toolCalls:
        step.type === 'tool_calls'
          ? step.step_details.tool_calls.map((call): ToolCallView => ({
              id: call.id,
              name: call.function.name,
              arguments: call.function.arguments,
              output: call.function.output,
              status: call.status,
              durationMs: stepDurationMs(step),
            }))
          : [],
    })),
  };
}

/** From the run's start to its end, or to now while it runs; whole seconds, as the Assistants model stores them. */
function runDurationMs(run: Run, now: () => number): number | null {
  if (run.started_at === null) return null;
  const end = run.completed_at ?? run.failed_at ?? run.cancelled_at;
  // An expired or incomplete run records no end time: its length is unknown rather than growing forever.
  if (end === null && TERMINAL_RUN_STATUSES.includes(run.status)) return null;
  return Math.max(0, (end ?? now() / 1000) - run.started_at) * 1000;
}

/** How long a finished step took (its calls run in parallel, so this is the time of the slowest); whole seconds, as stored. */
function stepDurationMs(step: RunStep): number | undefined {
  const end = step.completed_at ?? step.failed_at ?? step.cancelled_at ?? step.expired_at;
  return end === null ? undefined : Math.max(0, end - step.created_at) * 1000;
}

export function toThreadView(thread: Thread): ThreadView {
  return { id: thread.id, title: visibleBidiControls(thread.title), messageCount: thread.message_count, agentId: thread.agent_id };
}

export function toAgentOption(agent: Agent): AgentOption {
  return { id: agent.id, name: visibleBidiControls(agent.name), model: agent.model.name, tools: agent.tools.map((tool) => tool.name) };
}

/** A message's versions as the view shows them: "2 / 3" and where the arrows lead. */
export function toMessageVersionsView(versions: MessageVersions): MessageVersionsView {
  const { messageId, index, versions: all } = versions;
  return { messageId, index, total: all.length, previous: all[index - 1] ?? null, next: all[index + 1] ?? null };
}

function budgetPauseView(pause: BudgetPause): NonNullable<RunView['budgetPause']> {
  const { scope, unit, limit, used, step, estimated } = pause;
  return { scope, unit, limit, used, step, estimated };
}

function summaryView(message: Message): Pick<MessageView, 'summary'> {
  const summary = summaryInfo(message);
  return summary ? { summary: { count: summary.count, throughId: summary.throughId } } : {};
}
