// The loop of one run: build context, call the model, run its tools, repeat until it answers without tools.
// Every way a run can end funnels into `finish`, which closes half-written messages and steps first.

import type { MessageIncompleteDetails } from '../domain/message';
import type { RunLastError, RunStatus, RunStep } from '../domain/run';
import type { ChatRequest, ChatTool } from '../model/types';
import { type ActiveRun, RunStopped, type RunServices } from './activeRun';
import { buildContext, type ContextRequest } from './contextBuilder';
import { holdForBudget, recordCallUsage } from './budgetHold';
import { compactThread } from './compactor';
import { streamedReasoning, streamTurn } from './modelTurn';
import { messageText } from '../domain/message';
import { RunError, toRunLastError } from './runErrors';
import { resumeOpenCalls } from './resumeCalls';
import { closeUnansweredCalls, runToolRound } from './toolRound';
import { errorMessage } from '../util/errors';

/** Drives a queued run to a terminal status; never throws. */
export async function runLoop(active: ActiveRun, services: RunServices): Promise<void> {
  try {
    // A run adopted after a restart is already past queued, waiting at a budget (see holdForBudget).
    if (active.run.status === 'queued') await active.recorder.transition('in_progress');
    if (active.resume) await resumeOpenCalls(active, services, active.resume);
    for (let round = 1; ; round++) {
      active.throwIfStopped();
      const { request, promptTokens } = await requestFor(active, services, round);
      if ((await holdForBudget(active, services, promptTokens)) === 'ended') return;
      const turn = await streamTurn(active, services, request);
      await recordCallUsage(active, services, turn.usage, promptTokens, { text: messageText(turn.message), toolCalls: turn.toolCalls });
      if (turn.toolCalls.length === 0) {
        const cut = turn.finishReason === 'length';
        await active.recorder.transition(
          cut ? 'incomplete' : 'completed',
          cut ? { incomplete_details: { reason: 'max_completion_tokens' } } : {},
        );
        return;
      }
      const outcome = await runToolRound(active, services, turn.message, turn.toolCalls, turn.unrecordedUsage ?? null);
      if (outcome === 'handed_off') {
        // A response ends where the caller must act (run its function, or approve a workspace call); its next
        // response carries the answers in (see resumeOpenCalls).
        await active.recorder.transition('completed');
        return;
      }
      if (round >= services.maxToolRounds) {
        // The model would keep calling tools; stop before another call instead of looping without bound.
        await active.recorder.transition('incomplete', { incomplete_details: { reason: 'max_tool_rounds' } });
        return;
      }
    }
  } catch (error) {
    await finish(active, services, error).catch((finishError: unknown) => {
      services.logger.error(`Run ${active.run.id} could not be closed: ${errorMessage(finishError)}`);
    });
  }
}

async function requestFor(
  active: ActiveRun,
  services: RunServices,
  round: number,
): Promise<{ request: ChatRequest; promptTokens: number }> {
  const run = active.run;
  const tools = [...services.tools.chatTools(run.tools.map((tool) => tool.name)), ...clientChatTools(run)];
  const contextRequest: ContextRequest = {
    threadId: run.thread_id,
    instructions: run.instructions,
    truncation: run.truncation_strategy,
    maxPromptTokens: run.max_prompt_tokens,
    maxCompletionTokens: run.max_completion_tokens,
    profile: active.profile,
    tools,
    useSummaries: active.agent.context_overflow === 'compact',
  };
  let context = await buildContext(services.threads, contextRequest, services.readers);
  if (context.truncated && contextRequest.useSummaries && (await compactBeforeCall(active, services))) {
    context = await buildContext(services.threads, contextRequest, services.readers);
  }
  const request: ChatRequest = { model: run.model.name, messages: context.messages };
  if (tools.length) {
    request.tools = tools;
    const choice = toolChoiceFor(run, round);
    if (choice !== undefined) request.tool_choice = choice;
    if (run.response && !run.response.parallel_tool_calls) request.parallel_tool_calls = false;
  }
  if (run.temperature !== null) request.temperature = run.temperature;
  if (run.top_p !== null) request.top_p = run.top_p;
  if (run.reasoning_effort) request.reasoning_effort = run.reasoning_effort;
  if (run.max_completion_tokens !== null) request.max_completion_tokens = run.max_completion_tokens;
  if (run.response_format !== 'auto') request.response_format = run.response_format as ChatRequest['response_format'];
  return { request, promptTokens: context.promptTokens };
}

/**
 * The next call would leave messages out, and the agent compacts: summarize the older part first, with the run's own
 * model and its context window. False when there was nothing to summarize (the call then drops the oldest).
 */
async function compactBeforeCall(active: ActiveRun, services: RunServices): Promise<boolean> {
  const request = {
    threadId: active.run.thread_id,
    agent: { ...active.agent, max_prompt_tokens: active.run.max_prompt_tokens, max_completion_tokens: active.run.max_completion_tokens },
    client: active.client,
    profile: active.profile,
    signal: active.signal,
  };
  try {
    const summary = await compactThread(services.threads, request);
    services.logger.info(`Run ${active.run.id} compacted thread ${active.run.thread_id} into summary ${summary.id}.`);
    return true;
  } catch (error) {
    if (error instanceof RunError && error.code === 'nothing_to_compact') return false;
    throw error;
  }
}

/**
 * A response's tool_choice for model turn `round`. 'none' holds for every turn; 'required' and a named function hold
 * for the first turn only: later turns of the same response follow the workspace tools' results, and forcing a
 * call there would loop until max_tool_rounds (the Agents SDK resets tool_choice after a call for the same reason).
 */
function toolChoiceFor(run: ActiveRun['run'], round: number): ChatRequest['tool_choice'] {
  const choice = run.response?.tool_choice;
  if (choice === undefined || choice === 'auto') return undefined;
  if (choice === 'none' || round === 1) return choice;
  return 'auto';
}

/** The client function tools of a response, as the model client declares tools. */
function clientChatTools(run: ActiveRun['run']): ChatTool[] {
  return (run.response?.client_tools ?? []).map((tool) => ({
    name: tool.name,
    description: tool.description ?? '',
    parameters: (tool.parameters ?? { type: 'object', properties: {} }) as ChatTool['parameters'],
  }));
}

interface Ending {
  status: Extract<RunStatus, 'cancelled' | 'expired' | 'failed'>;
  lastError?: RunLastError;
  messageReason: MessageIncompleteDetails['reason'];
  stepStatus: Extract<RunStep['status'], 'cancelled' | 'expired' | 'failed'>;
  callNote: string;
}

function endingFor(active: ActiveRun, error: unknown): Ending | undefined {
  const stopped = error instanceof RunStopped ? error.reason : active.signal.aborted ? (active.stopReason ?? 'cancelled') : undefined;
  if (stopped === 'disposed') return undefined;
  if (stopped === 'cancelled')
    return { status: 'cancelled', messageReason: 'run_cancelled', stepStatus: 'cancelled', callNote: 'Not run: the run was cancelled.' };
  if (stopped === 'budget') {
    return {
      status: 'cancelled',
      lastError: { code: 'budget_exceeded', message: active.budgetStopMessage ?? 'Stopped at a budget.' },
      messageReason: 'run_cancelled',
      stepStatus: 'cancelled',
      callNote: 'Not run: the run was stopped at a budget.',
    };
  }
  if (stopped === 'expired') {
    return {
      status: 'expired',
      messageReason: 'run_expired',
      stepStatus: 'expired',
      callNote: 'Not run: nobody approved the call before the run expired.',
    };
  }
  return {
    status: 'failed',
    lastError: toRunLastError(error),
    messageReason: 'run_failed',
    stepStatus: 'failed',
    callNote: 'Not run: the run failed.',
  };
}

async function finish(active: ActiveRun, services: RunServices, error: unknown): Promise<void> {
  const ending = endingFor(active, error);
  // Disposed: the extension is shutting down; writes now could be torn, and recovery on the next start closes the run.
  if (!ending) return;
  if (ending.lastError) services.logger.warn(`Run ${active.run.id} failed: [${ending.lastError.code}] ${ending.lastError.message}`);
  const now = services.now();
  // Closing messages and steps is best effort: whatever broke the run may break these writes too, and the run
  // itself must still reach a terminal status.
  const turn = active.openTurn;
  active.openTurn = undefined;
  if (turn) {
    await bestEffort(services, `close message ${turn.messageId}`, () =>
      active.recorder.updateMessage(
        turn.messageId,
        {
          content: turn.text ? [{ type: 'text', text: { value: turn.text, annotations: [] } }] : [],
          ...(turn.reasoningSummary.length ? { reasoning: streamedReasoning(turn) } : {}),
          status: 'incomplete',
          incomplete_details: { reason: ending.messageReason },
          incomplete_at: now,
        },
        ['thread.message.incomplete'],
      ),
    );
    await bestEffort(services, `close step ${turn.step.id}`, () =>
      active.recorder.step(closedStep(turn.step, ending, now), [`thread.run.step.${ending.stepStatus}`]),
    );
  }
  const round = active.openToolRound;
  if (round) {
    await bestEffort(services, `close tool calls of message ${round.messageId}`, () => closeUnansweredCalls(active, ending.callNote));
    active.openToolRound = undefined;
    await bestEffort(services, `close step ${round.step.id}`, () =>
      active.recorder.step(closedStep(structuredClone(round.step), ending, now), [`thread.run.step.${ending.stepStatus}`]),
    );
  }
  const status = active.run.status;
  // A failure while cancelling still ends as cancelled: the user asked for it, and the error is a consequence.
  const target = status === 'cancelling' ? 'cancelled' : ending.status === 'cancelled' ? 'failed' : ending.status;
  // A run stopped at a budget ends cancelled and says which budget (last_error code budget_exceeded).
  const details =
    target === 'failed'
      ? { last_error: ending.lastError ?? toRunLastError(error) }
      : target === ending.status && ending.lastError
        ? { last_error: ending.lastError }
        : {};
  await active.recorder.transition(target, details);
}

async function bestEffort(services: RunServices, what: string, work: () => Promise<unknown>): Promise<void> {
  try {
    await work();
  } catch (error) {
    services.logger.warn(`Could not ${what}: ${errorMessage(error)}`);
  }
}

function closedStep(step: RunStep, ending: Ending, now: number): RunStep {
  const closed: RunStep = { ...step, status: ending.stepStatus };
  if (ending.stepStatus === 'cancelled') closed.cancelled_at = now;
  if (ending.stepStatus === 'expired') closed.expired_at = now;
  if (ending.stepStatus === 'failed') {
    closed.failed_at = now;
    const code = ending.lastError?.code === 'rate_limit_exceeded' ? 'rate_limit_exceeded' : 'server_error';
    closed.last_error = { code, message: ending.lastError?.message ?? 'The run failed.' };
  }
  return closed;
}
