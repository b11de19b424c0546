// The start of a response that answers calls its predecessor handed back (see ResponseRunOptions): client function
// outputs are written onto the message that holds the calls, and workspace calls the caller approved run now, as a
// tool_calls step of this run, so this response shows them running. Then the run calls the model as usual.

import type { MessageToolCall } from '../domain/message';
import type { FunctionToolCall } from '../domain/run';
import type { ActiveRun, RunServices } from './activeRun';
import { RunError } from './runErrors';
import type { ResumeAnswers } from './runState';
import { deniedByUserOutput } from './toolRound';

/** How far back (in messages) open calls are looked for; a response answers the calls of the one just before it. */
const OPEN_CALL_WINDOW = 20;

/** Applies `answers` to the open calls of the thread's latest tool-calling message. */
export async function resumeOpenCalls(active: ActiveRun, services: RunServices, answers: ResumeAnswers): Promise<void> {
  const outputs = new Map(answers.outputs.map((o) => [o.tool_call_id, o.output]));
  const decisions = new Map(answers.approvals.map((a) => [a.tool_call_id, a.approve]));
  if (outputs.size === 0 && decisions.size === 0) return;
  const recent = await services.threads.readNewest(active.run.thread_id, OPEN_CALL_WINDOW);
  const isAnswered = (call: MessageToolCall): boolean => outputs.has(call.id) || decisions.has(call.id);
  const holder = [...recent].reverse().find((m) => m.tool_calls?.some((call) => isAnswered(call) && call.function.output === null));
  if (!holder) throw new RunError('unknown_tool_call', 'None of the answered tool calls is open in this thread.');
  const toolCalls = structuredClone(holder.tool_calls!);

  const decided: FunctionToolCall[] = [];
  for (const call of toolCalls) {
    if (call.function.output !== null) continue;
    const output = outputs.get(call.id);
    if (output !== undefined) call.function.output = output;
    const approve = decisions.get(call.id);
    if (approve === undefined) continue;
    delete call.awaiting_approval;
    decided.push({
      id: call.id,
      type: 'function',
      function: {
        name: call.function.name,
        arguments: call.function.arguments,
        output: approve ? null : deniedByUserOutput(call.function.name),
      },
      status: approve ? 'approved' : 'denied',
    });
  }

  if (decided.length) {
    const step = active.newStep('tool_calls', { type: 'tool_calls', tool_calls: decided, message_id: holder.id });
    await active.recorder.step(structuredClone(step), ['thread.run.step.created', 'thread.run.step.in_progress']);
    await Promise.all(
      decided
        .filter((call) => call.status === 'approved')
        .map(async (call) => {
          const result = await services.tools.invoke(call.function.name, call.function.arguments, {
            threadId: active.run.thread_id,
            runId: active.run.id,
            signal: active.signal,
          });
          call.function.output = result.output;
          call.status = result.ok ? 'completed' : 'failed';
        }),
    );
    active.throwIfStopped();
    for (const call of decided) toolCalls.find((c) => c.id === call.id)!.function.output = call.function.output;
    await active.recorder.step({ ...structuredClone(step), status: 'completed', completed_at: services.now() }, [
      'thread.run.step.completed',
    ]);
  }
  await active.recorder.updateMessage(holder.id, { tool_calls: toolCalls }, []);
}
