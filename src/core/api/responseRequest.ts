// Validates a create-response body into what the run engine needs: the thread (a conversation, the thread of the
// previous response, or a new one), the agent (a workspace agent by name, or one made up for a bare model), the
// input (messages to append, answers to calls the previous response left open) and the run's options.

import { agentDefaults, type Agent } from '../domain/agent';
import { nowSeconds } from '../domain/common';
import { newId } from '../domain/ids';
import type { MessageInput } from '../domain/message';
import type { ClientFunctionTool, ResponseRunOptions, ToolApproval, ToolOutput } from '../domain/run';
import { conversationId, parseInputItems, parseItemId, parseResponseId } from '../items';
import type { RunOverrides } from '../runs/runState';
import { badRequest, notFound } from './apiErrors';
import type { ApiServices } from './apiServices';
import { flag, optionalMetadata, optionalNumber, optionalString } from './requestParams';
import { conversationThreadId } from './routes/conversationRoutes';

type Body = Record<string, unknown>;

/** A validated create-response request. */
export interface ResponseRequest {
  /** The thread to run on, or undefined to create one. */
  threadId: string | undefined;
  agent: Agent;
  /** Whether `agent` is a workspace agent (else made up for a bare model). */
  namedAgent: boolean;
  overrides: RunOverrides & { response: ResponseRunOptions };
  stream: boolean;
}

/** The id runs of a bare `model` carry as their assistant_id: no stored agent has it. */
export const BARE_MODEL_AGENT_ID = 'asst_0000000000000000baremodel';

export async function parseResponseRequest(body: Body, services: ApiServices): Promise<ResponseRequest> {
  const { agent, namedAgent } = await agentOf(body, services);
  const { threadId, conversation, previous } = await threadOf(body, services);
  const input = parseInputItems(body.input ?? [], 'input');
  const messages: MessageInput[] = input.messages.map((message) => ({ ...message, id: newId('msg') }));
  const answers = threadId ? await resolveAnswers(services, threadId, input.outputs, input.approvals) : undefined;
  if (!threadId && (input.outputs.length || input.approvals.length)) {
    throw badRequest("Tool call answers need the response they answer: pass 'previous_response_id' or 'conversation'.", 'input');
  }
  if (messages.length === 0 && !answers) throw badRequest("'input' is required (a string or a list of items).", 'input');

  const clientTools = clientToolsOf(body.tools, services);
  const instructions = optionalString(body, 'instructions') ?? null;
  const truncation = body.truncation ?? 'disabled';
  if (truncation !== 'auto' && truncation !== 'disabled') throw badRequest("'truncation' must be 'auto' or 'disabled'.", 'truncation');
  const maxOutput = optionalNumber(body, 'max_output_tokens') ?? null;
  const response: ResponseRunOptions = {
    client_tools: clientTools,
    tool_choice: toolChoiceOf(body.tool_choice, clientTools),
    parallel_tool_calls:
      body.parallel_tool_calls === undefined || body.parallel_tool_calls === null ? true : flag(body, 'parallel_tool_calls'),
    background: flag(body, 'background'),
    store: body.store === undefined || body.store === null ? true : flag(body, 'store'),
    previous_response_id: previous,
    conversation_id: conversation,
    agent: namedAgent ? { name: agent.name, version: agent.version } : null,
    instructions,
    max_output_tokens: maxOutput,
    truncation,
    input_message_ids: messages.map((message) => message.id!),
    answered_calls: [
      ...(answers?.outputs.map((o) => ({ call_id: o.tool_call_id })) ?? []),
      ...(answers?.approvals.map((a) => ({ call_id: a.tool_call_id, approve: a.approve })) ?? []),
    ],
  };
  const overrides: ResponseRequest['overrides'] = { response };
  // A workspace agent keeps its own instructions; the caller's are added to them. A bare model has only the caller's.
  if (instructions !== null) {
    if (namedAgent) overrides.additional_instructions = instructions;
    else overrides.instructions = instructions;
  }
  if (messages.length) overrides.additional_messages = messages;
  if (answers) overrides.resume = answers;
  if (maxOutput !== null) overrides.max_completion_tokens = maxOutput;
  for (const key of ['temperature', 'top_p'] as const) {
    const value = optionalNumber(body, key);
    if (value !== undefined) overrides[key] = value;
  }
  if (truncation === 'auto') overrides.truncation_strategy = { type: 'auto' };
  const metadata = optionalMetadata(body);
  if (metadata) overrides.metadata = metadata;
  const model = optionalString(body, 'model');
  if (model !== undefined && namedAgent) overrides.model = resolveModel(model, services);
  return { threadId, agent, namedAgent, overrides, stream: flag(body, 'stream') };
}

function resolveModel(model: string, services: ApiServices): Agent['model'] {
  const resolved = services.resolveModelName(model);
  if (!resolved) {
    throw badRequest(`No configured model profile matches '${model}'. Use "<profile>/<model>" or a model name a profile uses.`, 'model');
  }
  return resolved;
}

async function agentOf(body: Body, services: ApiServices): Promise<{ agent: Agent; namedAgent: boolean }> {
  const reference = body.agent;
  if (reference !== undefined && reference !== null) {
    const ref = reference as { type?: unknown; name?: unknown; version?: unknown };
    if (typeof ref !== 'object' || ref.type !== 'agent_reference' || typeof ref.name !== 'string') {
      throw badRequest("'agent' must be {type: 'agent_reference', name, version?}.", 'agent');
    }
    const name = ref.name;
    const agents = await services.agents.list();
    const found = agents.find((a) => a.name === name) ?? agents.find((a) => a.id === name);
    if (!found) throw notFound(`No agent named ${JSON.stringify(name.slice(0, 80))} in this workspace.`);
    if (ref.version === undefined || ref.version === null || String(ref.version) === String(found.version))
      return { agent: found, namedAgent: true };
    const version = Number(ref.version);
    if (!Number.isInteger(version) || version < 1) throw badRequest("'agent.version' must be a version number.", 'agent');
    return { agent: await services.agents.getVersion(found.id, version), namedAgent: true };
  }
  const model = optionalString(body, 'model');
  if (model === undefined) throw badRequest("Name a workspace agent ('agent') or a model ('model').", 'model');
  const now = nowSeconds();
  const agent: Agent = {
    id: BARE_MODEL_AGENT_ID,
    object: 'assistant',
    version: 1,
    name: model,
    ...agentDefaults(),
    model: resolveModel(model, services),
    created_at: now,
    updated_at: now,
  };
  return { agent, namedAgent: false };
}

async function threadOf(
  body: Body,
  services: ApiServices,
): Promise<{ threadId: string | undefined; conversation: string | null; previous: string | null }> {
  const conversation = body.conversation;
  const previous = optionalString(body, 'previous_response_id');
  if (conversation !== undefined && conversation !== null && previous !== undefined) {
    throw badRequest("Pass 'conversation' or 'previous_response_id', not both.", 'previous_response_id');
  }
  if (conversation !== undefined && conversation !== null) {
    const raw = typeof conversation === 'object' ? (conversation as { id?: unknown }).id : conversation;
    const threadId = conversationThreadId(raw);
    await services.threads.get(threadId);
    return { threadId, conversation: conversationId(threadId), previous: null };
  }
  if (previous !== undefined) {
    const ids = parseResponseId(previous);
    if (!ids) throw notFound(`No response found with id ${JSON.stringify(previous.slice(0, 80))}.`);
    const runs = await services.threads.listRuns(ids.threadId).catch(() => {
      throw notFound(`No response found with id ${JSON.stringify(previous.slice(0, 80))}.`);
    });
    const latest = runs[runs.length - 1];
    if (!runs.some((run) => run.id === ids.runId)) throw notFound(`No response found with id ${JSON.stringify(previous.slice(0, 80))}.`);
    if (latest.id !== ids.runId) {
      throw badRequest(
        'previous_response_id must name the latest response of its conversation (branching is not supported; fork the thread in VS Code instead).',
        'previous_response_id',
      );
    }
    const earlier = latest.response?.conversation_id ?? null;
    return { threadId: ids.threadId, conversation: earlier, previous };
  }
  return { threadId: undefined, conversation: null, previous: null };
}

/** Function tools the caller runs itself; a name the extension's own tools use is refused (it would be ambiguous). */
function clientToolsOf(value: unknown, services: ApiServices): ClientFunctionTool[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw badRequest("'tools' must be a list of tools.", 'tools');
  const known = services.tools.names();
  return value.map((entry: unknown, index) => {
    const tool = (entry ?? {}) as Body;
    if (tool.type !== 'function' || typeof tool.name !== 'string' || !tool.name) {
      throw badRequest(`tools[${index}]: only function tools ({type: 'function', name, parameters}) are supported.`, 'tools');
    }
    if (known.has(tool.name)) {
      throw badRequest(`tools[${index}]: '${tool.name}' is a workspace tool of the extension; give your function another name.`, 'tools');
    }
    const parameters = tool.parameters;
    if (parameters !== undefined && parameters !== null && (typeof parameters !== 'object' || Array.isArray(parameters))) {
      throw badRequest(`tools[${index}].parameters must be a JSON schema object.`, 'tools');
    }
    return {
      name: tool.name,
      description: typeof tool.description === 'string' ? tool.description : null,
      parameters: (parameters ?? null) as ClientFunctionTool['parameters'],
      strict: typeof tool.strict === 'boolean' ? tool.strict : null,
    };
  });
}

function toolChoiceOf(value: unknown, tools: ClientFunctionTool[]): ResponseRunOptions['tool_choice'] {
  if (value === undefined || value === null) return 'auto';
  if (value === 'auto' || value === 'none' || value === 'required') return value;
  const choice = value as { type?: unknown; name?: unknown };
  if (typeof choice === 'object' && choice.type === 'function' && typeof choice.name === 'string') {
    if (!tools.some((tool) => tool.name === choice.name))
      throw badRequest(`tool_choice names '${choice.name}', which is not in 'tools'.`, 'tool_choice');
    return { type: 'function', name: choice.name };
  }
  throw badRequest("'tool_choice' must be 'auto', 'none', 'required' or {type: 'function', name}.", 'tool_choice');
}

/** The open calls the input answers, checked against the thread; unknown ids are a 400. */
async function resolveAnswers(
  services: ApiServices,
  threadId: string,
  outputs: { call_id: string; output: string }[],
  approvals: { approval_request_id: string; approve: boolean }[],
): Promise<{ outputs: ToolOutput[]; approvals: ToolApproval[] } | undefined> {
  if (!outputs.length && !approvals.length) return undefined;
  const recent = await services.threads.readNewest(threadId, 20);
  const open = new Map(
    recent.flatMap((message) =>
      (message.tool_calls ?? []).filter((call) => call.function.output === null).map((call) => [call.id, { message, call }] as const),
    ),
  );
  for (const output of outputs) {
    if (open.get(output.call_id)?.call.executor !== 'client') {
      throw badRequest(
        `No function call ${JSON.stringify(output.call_id.slice(0, 80))} is waiting for its output in this conversation.`,
        'input',
      );
    }
  }
  const decided: ToolApproval[] = approvals.map((approval) => {
    const ref = parseItemId(approval.approval_request_id);
    const entry = ref && ref.kind === 'mcpr' ? [...open.values()].find(({ message }) => message.id === ref.messageId) : undefined;
    const call = entry && ref && ref.kind === 'mcpr' ? entry.message.tool_calls?.[ref.callIndex] : undefined;
    if (!call || !call.awaiting_approval || call.function.output !== null) {
      throw badRequest(
        `No approval request ${JSON.stringify(approval.approval_request_id.slice(0, 80))} is waiting in this conversation.`,
        'input',
      );
    }
    return { tool_call_id: call.id, approve: approval.approve };
  });
  return { outputs: outputs.map((o) => ({ tool_call_id: o.call_id, output: o.output })), approvals: decided };
}
