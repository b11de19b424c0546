// /v1/threads/{thread_id}/runs: start runs (polled or streamed), read and list them, cancel, answer tool calls,
// and read run steps. Runs are executed by the same RunEngine the UI uses.

import type { ServerResponse } from 'node:http';
import type { Run } from '../../domain/run';
import type { RunOverrides } from '../../runs/runState';
import { ApiError, badRequest, notFound } from '../apiErrors';
import { type ApiServices, pathId, toolLookup } from '../apiServices';
import { mapPage, pageOf } from '../listPage';
import { renderRun, renderStep } from '../render';
import {
  flag,
  listQuery,
  messageInputs,
  optionalMetadata,
  optionalNumber,
  optionalString,
  optionalTruncation,
  toolNames,
} from '../requestParams';
import { json, type RouteResult, type Router, STREAMED } from '../router';
import { streamRun } from '../runEventStream';

/** Tells the SDK's poll helpers (createAndPoll and friends) to ask again soon; a local run has no network cost. */
const POLL_HEADERS = { 'openai-poll-after-ms': '100' };

/** A validated create-run request. */
export interface RunRequest {
  assistantId: string;
  overrides: RunOverrides;
  stream: boolean;
}

/** Validates the parameters of create-run (and of create-thread-and-run). */
export function parseRunRequest(body: Record<string, unknown>, services: ApiServices): RunRequest {
  if (typeof body.assistant_id !== 'string') throw badRequest("'assistant_id' is required.", 'assistant_id');
  const assistantId = pathId('asst', body.assistant_id);
  const overrides: RunOverrides = {};
  const instructions = optionalString(body, 'instructions');
  if (instructions !== undefined) overrides.instructions = instructions;
  const additional = optionalString(body, 'additional_instructions');
  if (additional !== undefined) overrides.additional_instructions = additional;
  const messages = messageInputs(body.additional_messages, 'additional_messages');
  if (messages.length) overrides.additional_messages = messages;
  const model = optionalString(body, 'model');
  if (model !== undefined) {
    const resolved = services.resolveModelName(model);
    if (!resolved)
      throw badRequest(`No configured model profile matches '${model}'. Use "<profile>/<model>" or a model name a profile uses.`, 'model');
    overrides.model = resolved;
  }
  if (body.tools !== undefined && body.tools !== null) overrides.tools = toolNames(body.tools, services.tools.names());
  for (const key of ['temperature', 'top_p', 'max_prompt_tokens', 'max_completion_tokens'] as const) {
    const value = optionalNumber(body, key);
    if (value !== undefined) overrides[key] = value;
  }
  const truncation = optionalTruncation(body);
  if (truncation) overrides.truncation_strategy = truncation;
  const metadata = optionalMetadata(body);
  if (metadata) overrides.metadata = metadata;
  return { assistantId, overrides, stream: flag(body, 'stream') };
}

/** Starts a run on an existing thread and answers with the queued run, or with its event stream. */
export async function startRun(services: ApiServices, threadId: string, request: RunRequest, res: ServerResponse): Promise<RouteResult> {
  const { engine } = services;
  const create = (): Promise<Run> => engine.createRun(threadId, request.assistantId, request.overrides);
  if (!request.stream) return json(renderRun(await create(), toolLookup(services)), POLL_HEADERS);
  await streamRun(res, engine, toolLookup(services), threadId, create);
  return STREAMED;
}

/** Adds the run and run-step routes. */
export function addRunRoutes(router: Router, services: ApiServices): void {
  const { engine, threads } = services;
  const render = (run: Run): Record<string, unknown> => renderRun(run, toolLookup(services));
  /** The run as of now: the engine's live copy while active (it is ahead of the store), else the stored one. */
  const currentRun = async (threadId: string, runId: string): Promise<Run> => {
    const active = engine.activeRun(threadId);
    return active?.id === runId ? active : threads.getRun(threadId, runId);
  };
  const ids = (params: Record<string, string>): [string, string] => [pathId('thread', params.thread_id), pathId('run', params.run_id)];

  router.add('POST', '/threads/:thread_id/runs', async ({ params, body, res }) => {
    const threadId = pathId('thread', params.thread_id);
    const request = parseRunRequest(body, services);
    await threads.get(threadId);
    return startRun(services, threadId, request, res);
  });

  router.add('GET', '/threads/:thread_id/runs', async ({ params, query }) => {
    const runs = await threads.listRuns(pathId('thread', params.thread_id));
    return json(mapPage(pageOf(runs, listQuery(query)), render));
  });

  router.add('GET', '/threads/:thread_id/runs/:run_id', async ({ params }) => json(render(await currentRun(...ids(params))), POLL_HEADERS));

  router.add('POST', '/threads/:thread_id/runs/:run_id', async ({ params, body }) => {
    const [threadId, runId] = ids(params);
    const run = await currentRun(threadId, runId);
    const metadata = optionalMetadata(body);
    if (!metadata) return json(render(run));
    // The engine writes its own snapshots of an active run, which would drop metadata changed meanwhile.
    if (engine.activeRun(threadId)?.id === runId)
      throw new ApiError(409, 'conflict_error', `Run ${runId} is still active; change its metadata once it has finished.`, 'run_active');
    return json(render(await threads.saveRun({ ...run, metadata })));
  });

  // Resolves once the run is cancelled (the engine aborts the model request at once), not merely cancelling;
  // a run that had already finished is returned unchanged.
  router.add('POST', '/threads/:thread_id/runs/:run_id/cancel', async ({ params }) => {
    const [threadId, runId] = ids(params);
    await threads.getRun(threadId, runId);
    return json(render(await engine.cancelRun(threadId, runId)));
  });

  router.add('POST', '/threads/:thread_id/runs/:run_id/submit_tool_outputs', async ({ params, body, res }) => {
    const [threadId, runId] = ids(params);
    const outputs = toolOutputs(body.tool_outputs);
    const run = await currentRun(threadId, runId);
    assertAllCallsAnswered(
      run,
      outputs.map((o) => o.tool_call_id),
    );
    const supplied = outputs.flatMap((o) => (o.output === undefined ? [] : [{ tool_call_id: o.tool_call_id, output: o.output }]));
    const approved = outputs.filter((o) => o.output === undefined).map((o) => ({ tool_call_id: o.tool_call_id, approve: true }));
    const submit = async (): Promise<Run> => {
      // The run resumes once every waiting call has an answer, whichever of the two calls gives the last one.
      if (supplied.length) await engine.submitToolOutputs(threadId, runId, supplied);
      if (approved.length) await engine.submitToolApprovals(threadId, runId, approved);
      return run;
    };
    if (flag(body, 'stream')) {
      await streamRun(res, engine, toolLookup(services), threadId, submit);
      return STREAMED;
    }
    // Answer once the run has left requires_action, so a poll right after never sees the old status.
    const resumed = nextLifecycleEvent(services, runId);
    try {
      await submit();
    } catch (error) {
      resumed.cancel();
      throw error;
    }
    return json(render(await resumed.run), POLL_HEADERS);
  });

  // Our extension: the answer to a run waiting at a budget (required_action.type "budget_exceeded"). "continue"
  // raises that budget by required_action.budget_exceeded.step and the run goes on; "stop" ends it cancelled with
  // last_error.code "budget_exceeded".
  router.add('POST', '/threads/:thread_id/runs/:run_id/budget', async ({ params, body }) => {
    const [threadId, runId] = ids(params);
    const decision = body.decision;
    if (decision !== 'continue' && decision !== 'stop') throw badRequest('"decision" must be "continue" or "stop".', 'decision');
    await threads.getRun(threadId, runId);
    if (decision === 'stop') return json(render(await engine.decideBudget(threadId, runId, 'stop')));
    const resumed = nextLifecycleEvent(services, runId);
    try {
      await engine.decideBudget(threadId, runId, 'continue');
    } catch (error) {
      resumed.cancel();
      throw error;
    }
    return json(render(await resumed.run), POLL_HEADERS);
  });

  router.add('GET', '/threads/:thread_id/runs/:run_id/steps', async ({ params, query }) => {
    const [threadId, runId] = ids(params);
    await threads.getRun(threadId, runId);
    return json(mapPage(pageOf(await threads.listRunSteps(threadId, runId), listQuery(query)), renderStep));
  });

  router.add('GET', '/threads/:thread_id/runs/:run_id/steps/:step_id', async ({ params }) => {
    const [threadId, runId] = ids(params);
    const stepId = pathId('step', params.step_id);
    const step = (await threads.listRunSteps(threadId, runId)).find((s) => s.id === stepId);
    if (!step) throw notFound(`No run step found with id ${stepId} in run ${runId}.`);
    return json(renderStep(step));
  });
}

/**
 * The answers to waiting calls. An entry with `output` supplies the result (the tool does not run); an entry
 * without one approves the call, and the extension runs its own tool (our extension of the Assistants API).
 */
function toolOutputs(value: unknown): { tool_call_id: string; output: string | undefined }[] {
  if (!Array.isArray(value) || value.length === 0) throw badRequest("'tool_outputs' must be a non-empty list.", 'tool_outputs');
  return value.map((entry: unknown, index) => {
    const item = entry as { tool_call_id?: unknown; output?: unknown } | null;
    if (typeof item?.tool_call_id !== 'string' || (item.output !== undefined && item.output !== null && typeof item.output !== 'string')) {
      throw badRequest(`tool_outputs[${index}] must be {tool_call_id: string, output?: string}.`, 'tool_outputs');
    }
    return { tool_call_id: item.tool_call_id, output: typeof item.output === 'string' ? item.output : undefined };
  });
}

/** As in the Assistants API, every waiting call must be answered in one request. */
function assertAllCallsAnswered(run: Run, answered: string[]): void {
  if (run.status !== 'requires_action' || run.required_action?.type !== 'submit_tool_outputs') {
    throw badRequest(`Runs in status "${run.status}" do not accept tool outputs.`, 'tool_outputs');
  }
  const waiting = run.required_action.submit_tool_outputs.tool_calls.map((call) => call.id);
  const unknown = answered.filter((id) => !waiting.includes(id));
  if (unknown.length)
    throw badRequest(
      `Tool call ids ${unknown.join(', ')} are not waiting in run ${run.id} (waiting: ${waiting.join(', ')}).`,
      'tool_outputs',
    );
  const missing = waiting.filter((id) => !answered.includes(id));
  if (missing.length) throw badRequest(`Expected tool outputs for call ids ${missing.join(', ')}.`, 'tool_outputs');
}

/** The run as of its next lifecycle event (thread.run.*, not steps); `cancel` stops listening. */
function nextLifecycleEvent(services: ApiServices, runId: string): { run: Promise<Run>; cancel: () => void } {
  let cancel = (): void => undefined;
  const run = new Promise<Run>((resolve) => {
    const subscription = services.engine.onEvent((event) => {
      if (event.run_id !== runId || event.data.object !== 'thread.run') return;
      subscription.dispose();
      resolve(event.data);
    });
    cancel = () => subscription.dispose();
  });
  return { run, cancel };
}
