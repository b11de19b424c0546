// Assistants v2 over the active remote backend (a Foundry project): assistants, threads, messages, runs (waited for
// or streamed) and run steps, through the Backend interface. What the service cannot do through it is refused with
// unsupported_on_backend: run overrides, tool outputs a script supplies, message updates and deletes, budgets.

import type { ServerResponse } from 'node:http';
import type { Agent, AgentUpdate } from '../../domain/agent';
import type { Run } from '../../domain/run';
import type { Thread } from '../../domain/thread';
import { badRequest, notFound } from '../apiErrors';
import { mapPage, pageOf } from '../listPage';
import { renderAssistant, renderMessage, renderRun, renderStep, renderThread } from '../render';
import {
  flag,
  listQuery,
  messageInput,
  messageInputs,
  optionalMetadata,
  optionalNumber,
  optionalString,
  toolNames,
} from '../requestParams';
import { json, type RouteResult, type Router, STREAMED } from '../router';
import { streamRun } from '../runEventStream';
import { assertIdle, refuseParams, remoteId, type RemoteServices, unsupported } from './remoteServices';

/** Run parameters the local engine takes per run; a remote run uses its agent's settings. */
const RUN_OVERRIDES = [
  'model',
  'instructions',
  'additional_instructions',
  'additional_messages',
  'tools',
  'temperature',
  'top_p',
  'max_prompt_tokens',
  'max_completion_tokens',
  'truncation_strategy',
  'metadata',
] as const;

/** Adds the Assistants v2 routes over the remote backend. */
export function addRemoteAssistantsRoutes(router: Router, services: RemoteServices): void {
  const backend = (): ReturnType<RemoteServices['backend']> => services.backend();
  const renderAgent = (agent: Agent): Record<string, unknown> => renderAssistant(agent, services.lookup);
  const render = (run: Run): Record<string, unknown> => renderRun(run, services.lookup);

  router.add('GET', '/assistants', async ({ query }) => {
    // Oldest first, as pages expect; a service's ids need not sort by time, so creation time comes first.
    const agents = (await backend().agents.list()).sort((a, b) => a.created_at - b.created_at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return json(mapPage(pageOf(agents, listQuery(query)), renderAgent));
  });

  router.add('GET', '/assistants/:id', async ({ params }) =>
    json(renderAgent(await backend().agents.get(remoteId(params.id, 'assistant')))),
  );

  router.add('POST', '/assistants', async ({ body }) => {
    if (typeof body.model !== 'string' || !body.model) throw badRequest("'model' (a deployment of the project) is required.", 'model');
    const fields = agentFields(services, body);
    return json(renderAgent(await backend().agents.create({ name: 'Assistant', ...fields, model: fields.model! })));
  });

  router.add('POST', '/assistants/:id', async ({ params, body }) =>
    json(renderAgent(await backend().agents.update(remoteId(params.id, 'assistant'), agentFields(services, body)))),
  );

  router.add('DELETE', '/assistants/:id', async ({ params }) => {
    const id = remoteId(params.id, 'assistant');
    await backend().agents.get(id);
    await backend().agents.delete(id);
    return json({ id, object: 'assistant.deleted', deleted: true });
  });

  const createThread = (body: Record<string, unknown>, agentId: string | null): Promise<Thread> => {
    refuseParams(services, body, ['tool_resources'], 'a thread');
    const metadata = optionalMetadata(body);
    return backend().threads.create({
      messages: messageInputs(body.messages, 'messages'),
      agent_id: agentId,
      ...(metadata ? { metadata } : {}),
    });
  };

  router.add('POST', '/threads/runs', async ({ body, res }) => {
    const assistantId = runAgentId(services, body);
    await backend().agents.get(assistantId);
    const threadBody = body.thread ?? {};
    if (typeof threadBody !== 'object' || threadBody === null || Array.isArray(threadBody))
      throw badRequest("'thread' must be an object.", 'thread');
    const thread = await createThread(threadBody as Record<string, unknown>, assistantId);
    return startRun(services, thread.id, assistantId, flag(body, 'stream'), res);
  });

  router.add('POST', '/threads', async ({ body }) => json(renderThread(await createThread(body, null))));

  router.add('GET', '/threads/:id', async ({ params }) => json(renderThread(await backend().threads.get(remoteId(params.id, 'thread')))));

  router.add('POST', '/threads/:id', async ({ params, body }) => {
    const id = remoteId(params.id, 'thread');
    const metadata = optionalMetadata(body);
    const title = optionalString(body, 'title');
    if (title !== undefined && !title.trim()) throw badRequest("'title' cannot be empty.", 'title');
    const current = await backend().threads.get(id);
    const update = { ...(metadata ? { metadata } : {}), ...(title !== undefined ? { title } : {}) };
    return json(renderThread(Object.keys(update).length ? await backend().threads.update(id, update) : current));
  });

  router.add('DELETE', '/threads/:id', async ({ params }) => {
    const id = remoteId(params.id, 'thread');
    await backend().threads.get(id);
    await backend().threads.delete(id);
    return json({ id, object: 'thread.deleted', deleted: true });
  });

  router.add('POST', '/threads/:thread_id/messages', async ({ params, body }) => {
    const threadId = remoteId(params.thread_id, 'thread');
    const input = messageInput(body, 'message');
    assertIdle(services, threadId, 'add messages');
    return json(renderMessage(await backend().threads.appendMessage(threadId, input)));
  });

  router.add('GET', '/threads/:thread_id/messages', async ({ params, query }) => {
    if (query.has('run_id')) throw unsupported(services, 'Filtering messages by run_id', 'run_id');
    return json(mapPage(await backend().threads.listMessages(remoteId(params.thread_id, 'thread'), listQuery(query)), renderMessage));
  });

  router.add('GET', '/threads/:thread_id/messages/:message_id', async ({ params }) =>
    json(renderMessage(await backend().threads.getMessage(remoteId(params.thread_id, 'thread'), remoteId(params.message_id, 'message')))),
  );

  router.add('POST', '/threads/:thread_id/runs', async ({ params, body, res }) => {
    const threadId = remoteId(params.thread_id, 'thread');
    const assistantId = runAgentId(services, body);
    await backend().threads.get(threadId);
    return startRun(services, threadId, assistantId, flag(body, 'stream'), res);
  });

  router.add('GET', '/threads/:thread_id/runs', async ({ params, query }) => {
    const runs = await backend().threads.listRuns(remoteId(params.thread_id, 'thread'));
    return json(mapPage(pageOf(runs, listQuery(query)), render));
  });

  const ids = (params: Record<string, string>): [string, string] => [remoteId(params.thread_id, 'thread'), remoteId(params.run_id, 'run')];
  const currentRun = async (threadId: string, runId: string): Promise<Run> => {
    const active = backend().runs.activeRun(threadId);
    return active?.id === runId ? active : backend().threads.getRun(threadId, runId);
  };

  router.add('GET', '/threads/:thread_id/runs/:run_id', async ({ params }) => json(render(await currentRun(...ids(params)))));

  router.add('POST', '/threads/:thread_id/runs/:run_id/cancel', async ({ params }) => {
    const [threadId, runId] = ids(params);
    await backend().threads.getRun(threadId, runId);
    await backend().runs.cancelRun(threadId, runId);
    return json(render(await backend().threads.getRun(threadId, runId)));
  });

  // The backend answers a waiting call only by running our own tool once the user (here: the script) approves it;
  // an output the script supplies itself has no way to the service through it.
  router.add('POST', '/threads/:thread_id/runs/:run_id/submit_tool_outputs', async ({ params, body, res }) => {
    const [threadId, runId] = ids(params);
    if (!Array.isArray(body.tool_outputs) || body.tool_outputs.length === 0)
      throw badRequest("'tool_outputs' must be a non-empty list.", 'tool_outputs');
    const approvals = body.tool_outputs.map((entry: unknown, index) => {
      const item = (entry ?? {}) as { tool_call_id?: unknown; output?: unknown };
      if (typeof item.tool_call_id !== 'string') throw badRequest(`tool_outputs[${index}] needs a tool_call_id.`, 'tool_outputs');
      if (item.output !== undefined && item.output !== null) throw unsupported(services, 'Supplying a tool output', 'tool_outputs');
      return { tool_call_id: item.tool_call_id, approve: true };
    });
    const run = await currentRun(threadId, runId);
    if (run.status !== 'requires_action') throw badRequest(`Runs in status "${run.status}" do not accept tool outputs.`, 'tool_outputs');
    const submit = async (): Promise<Run> => {
      await backend().runs.submitToolApprovals(threadId, runId, approvals);
      return currentRun(threadId, runId);
    };
    if (flag(body, 'stream')) {
      await streamRun(res, backend().runs, services.lookup, threadId, submit);
      return STREAMED;
    }
    return json(render(await submit()));
  });

  router.add('GET', '/threads/:thread_id/runs/:run_id/steps', async ({ params, query }) => {
    const [threadId, runId] = ids(params);
    return json(mapPage(pageOf(await backend().threads.listRunSteps(threadId, runId), listQuery(query)), renderStep));
  });

  router.add('GET', '/threads/:thread_id/runs/:run_id/steps/:step_id', async ({ params }) => {
    const [threadId, runId] = ids(params);
    const step = (await backend().threads.listRunSteps(threadId, runId)).find((s) => s.id === params.step_id);
    if (!step) throw notFound(`No run step found with id ${JSON.stringify(String(params.step_id).slice(0, 80))} in run ${runId}.`);
    return json(renderStep(step));
  });
}

/** The agent a create-run body names; per-run overrides are the local engine's and are refused here. */
function runAgentId(services: RemoteServices, body: Record<string, unknown>): string {
  if (typeof body.assistant_id !== 'string') throw badRequest("'assistant_id' is required.", 'assistant_id');
  refuseParams(services, body, RUN_OVERRIDES, 'a run');
  return remoteId(body.assistant_id, 'assistant');
}

/** Starts a run and answers with it, or with its event stream. */
async function startRun(
  services: RemoteServices,
  threadId: string,
  agentId: string,
  stream: boolean,
  res: ServerResponse,
): Promise<RouteResult> {
  assertIdle(services, threadId, 'start a run');
  const runs = services.backend().runs;
  const create = (): Promise<Run> => runs.createRun(threadId, agentId);
  if (!stream) return json(renderRun(await create(), services.lookup));
  await streamRun(res, runs, services.lookup, threadId, create);
  return STREAMED;
}

/** The agent fields of a create or update body; a model is one of the project's deployments. */
function agentFields(services: RemoteServices, body: Record<string, unknown>): AgentUpdate {
  refuseParams(services, body, ['tool_resources', 'response_format', 'truncation_strategy', 'approval_policy'], 'an assistant');
  const fields: AgentUpdate = {};
  const model = optionalString(body, 'model');
  if (model !== undefined) fields.model = { profile: 'foundry', name: model };
  const name = optionalString(body, 'name');
  if (name !== undefined && !name.trim()) throw badRequest("'name' cannot be empty.", 'name');
  if (name !== undefined) fields.name = name;
  if (body.description !== undefined) fields.description = optionalString(body, 'description') ?? null;
  const instructions = optionalString(body, 'instructions');
  if (instructions !== undefined) fields.instructions = instructions;
  if (body.tools !== undefined && body.tools !== null) fields.tools = toolNames(body.tools, services.tools.names());
  for (const key of ['temperature', 'top_p'] as const) {
    const value = optionalNumber(body, key);
    if (value !== undefined) fields[key] = value;
  }
  const metadata = optionalMetadata(body);
  if (metadata) fields.metadata = metadata;
  return fields;
}
