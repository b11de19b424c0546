// The run's state machine: which status may follow which, and the timestamps each status sets.

import type { Agent } from '../domain/agent';
import type { UnixSeconds } from '../domain/common';
import { newId } from '../domain/ids';
import type { MessageInput } from '../domain/message';
import type { ResponseRunOptions, Run, RunIncompleteDetails, RunLastError, RunStatus, ToolApproval, ToolOutput } from '../domain/run';
import { TERMINAL_RUN_STATUSES } from '../domain/run';
import type { RunLifecycleEventName } from '../domain/events';

/** Per-run settings that replace the agent's (as the Assistants API's create-run parameters). */
export interface RunOverrides {
  instructions?: string;
  /** Appended to the instructions for this run only. */
  additional_instructions?: string;
  /** Appended to the thread before the run starts. */
  additional_messages?: MessageInput[];
  model?: Run['model'];
  tools?: Run['tools'];
  temperature?: number | null;
  top_p?: number | null;
  max_prompt_tokens?: number | null;
  max_completion_tokens?: number | null;
  truncation_strategy?: Run['truncation_strategy'];
  metadata?: Run['metadata'];
  /** Makes the run a Responses API response (see ResponseRunOptions): it hands open calls back instead of waiting. */
  response?: ResponseRunOptions;
  /** Answers to calls an earlier response handed back, applied before the first model call. */
  resume?: ResumeAnswers;
}

/** Outputs of client function calls and decisions on workspace calls that an earlier run left open. */
export interface ResumeAnswers {
  outputs: ToolOutput[];
  approvals: ToolApproval[];
}

const NEXT: Record<RunStatus, readonly RunStatus[]> = {
  queued: ['in_progress', 'cancelling', 'failed', 'expired'],
  in_progress: ['requires_action', 'cancelling', 'completed', 'incomplete', 'failed'],
  requires_action: ['in_progress', 'cancelling', 'expired', 'failed'],
  cancelling: ['cancelled', 'failed'],
  cancelled: [],
  failed: [],
  completed: [],
  incomplete: [],
  expired: [],
};

/** Whether a run in `status` will never change again. */
export function isTerminal(status: RunStatus): boolean {
  return TERMINAL_RUN_STATUSES.includes(status);
}

/** Whether the state machine allows `from` → `to`. */
export function canTransition(from: RunStatus, to: RunStatus): boolean {
  return NEXT[from].includes(to);
}

/** The lifecycle event announcing a run that has just entered `status`. */
export function lifecycleEvent(status: RunStatus): RunLifecycleEventName {
  return `thread.run.${status}`;
}

/** A new queued run with a snapshot of the agent settings it will use. */
export function newRun(threadId: string, agent: Agent, overrides: RunOverrides, now: UnixSeconds): Run {
  const base = overrides.instructions ?? agent.instructions;
  const instructions = overrides.additional_instructions ? [base, overrides.additional_instructions].filter(Boolean).join('\n\n') : base;
  return {
    id: newId('run'),
    object: 'thread.run',
    thread_id: threadId,
    assistant_id: agent.id,
    assistant_version: agent.version,
    status: 'queued',
    model: overrides.model ?? agent.model,
    instructions,
    tools: overrides.tools ?? agent.tools,
    temperature: pick(overrides.temperature, agent.temperature),
    top_p: pick(overrides.top_p, agent.top_p),
    ...(agent.reasoning_effort ? { reasoning_effort: agent.reasoning_effort } : {}),
    response_format: agent.response_format,
    max_prompt_tokens: pick(overrides.max_prompt_tokens, agent.max_prompt_tokens),
    max_completion_tokens: pick(overrides.max_completion_tokens, agent.max_completion_tokens),
    truncation_strategy: overrides.truncation_strategy ?? agent.truncation_strategy,
    required_action: null,
    last_error: null,
    incomplete_details: null,
    usage: null,
    metadata: overrides.metadata ?? null,
    created_at: now,
    started_at: null,
    completed_at: null,
    cancelled_at: null,
    failed_at: null,
    expires_at: null,
    ...(overrides.response ? { response: overrides.response } : {}),
  };
}

/** What a status change may carry besides the status. */
export interface TransitionDetails {
  last_error?: RunLastError;
  incomplete_details?: RunIncompleteDetails;
  required_action?: Run['required_action'];
  expires_at?: UnixSeconds | null;
}

/** The run after moving to `status` at `now`; throws on a transition the state machine forbids (a bug). */
export function transition(run: Run, status: RunStatus, now: UnixSeconds, details: TransitionDetails = {}): Run {
  if (!canTransition(run.status, status)) throw new Error(`Run ${run.id} cannot go from ${run.status} to ${status}.`);
  const next: Run = { ...run, status, required_action: details.required_action ?? null, expires_at: details.expires_at ?? null };
  if (details.last_error) next.last_error = details.last_error;
  if (details.incomplete_details) next.incomplete_details = details.incomplete_details;
  if (status === 'in_progress' && next.started_at === null) next.started_at = now;
  if (status === 'completed' || status === 'incomplete') next.completed_at = now;
  if (status === 'cancelled') next.cancelled_at = now;
  if (status === 'failed') next.failed_at = now;
  return next;
}

function pick<T>(override: T | null | undefined, fallback: T | null): T | null {
  return override === undefined ? fallback : override;
}
