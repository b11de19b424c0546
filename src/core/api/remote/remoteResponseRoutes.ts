// Conversations and Responses over the active remote backend (a Foundry project): a conversation is one of its
// threads, a response one of its runs, started with a named agent of the project (agent_reference). What the
// service cannot do through the Backend interface is refused with unsupported_on_backend: a bare `model`, per-response
// settings (instructions, tools, sampling, limits), answering calls in a response's input, deleting items.

import { StoreError } from '../../domain/errors';
import type { ResponseRunOptions, Run } from '../../domain/run';
import type { Thread } from '../../domain/thread';
import {
  type ConversationObject,
  conversationId,
  messageToItems,
  parseInputItems,
  parseResponseId,
  threadIdOfConversation,
} from '../../items';
import { badRequest, foundryError, notFound } from '../apiErrors';
import { findConversationItem, listConversationItems } from '../conversationItems';
import { listQuery, optionalMetadata, optionalString } from '../requestParams';
import { deliverResponse, loadResponse } from '../responseStream';
import { json, type Router } from '../router';
import { assertIdle, refuseParams, rememberOptions, type RemoteServices, runSource, unsupported } from './remoteServices';

/** Create-response parameters the local engine applies per response; a remote run uses its agent's settings. */
const RESPONSE_SETTINGS = [
  'model',
  'instructions',
  'tools',
  'tool_choice',
  'parallel_tool_calls',
  'temperature',
  'top_p',
  'max_output_tokens',
  'truncation',
  'metadata',
  'reasoning',
  'text',
  'prompt',
] as const;

/** The conversation id of a backend thread: a Responses-based service's threads are conversations already. */
function conversationOf(threadId: string): string {
  return threadId.startsWith('conv_') ? threadId : conversationId(threadId);
}

function renderConversation(thread: Thread): ConversationObject {
  return { id: conversationOf(thread.id), object: 'conversation', created_at: thread.created_at, metadata: thread.metadata };
}

/** Undefined for an object the backend does not have (the next candidate id may name it); any other failure stands. */
function unlessNotFound(error: unknown): undefined {
  if (foundryError(error)?.code === 'foundry_not_found') return undefined;
  if (error instanceof StoreError && error.code.endsWith('_not_found')) return undefined;
  throw error;
}

/** Adds the conversation and response routes over the remote backend. */
export function addRemoteResponseRoutes(router: Router, services: RemoteServices): void {
  const backend = (): ReturnType<RemoteServices['backend']> => services.backend();

  /** The thread a conversation id names: an Assistants-style service's `thread_…`, or the conversation itself. */
  const conversationThread = async (value: unknown): Promise<Thread> => {
    const raw = typeof value === 'string' ? value : '';
    const candidates = [...new Set([threadIdOfConversation(raw), /^conv_[A-Za-z0-9_-]{1,120}$/.test(raw) ? raw : undefined])];
    for (const id of candidates) {
      if (id === undefined) continue;
      const thread = await backend().threads.get(id).catch(unlessNotFound);
      if (thread) return thread;
    }
    throw notFound(`No conversation found with id ${JSON.stringify(String(value).slice(0, 80))}.`);
  };

  const messagesOnly = (value: unknown, param: string): ReturnType<typeof parseInputItems>['messages'] => {
    const parsed = parseInputItems(value, param);
    if (parsed.outputs.length || parsed.approvals.length) throw unsupported(services, 'Answering tool calls in input items', param);
    return parsed.messages;
  };

  router.add('POST', '/conversations', async ({ body }) => {
    const messages = body.items === undefined || body.items === null ? [] : messagesOnly(body.items, 'items');
    const metadata = optionalMetadata(body);
    return json(renderConversation(await backend().threads.create({ messages, agent_id: null, ...(metadata ? { metadata } : {}) })));
  });

  router.add('GET', '/conversations/:id', async ({ params }) => json(renderConversation(await conversationThread(params.id))));

  router.add('POST', '/conversations/:id', async ({ params, body }) => {
    const thread = await conversationThread(params.id);
    if (body.metadata === undefined) throw badRequest("'metadata' is required.", 'metadata');
    return json(renderConversation(await backend().threads.update(thread.id, { metadata: optionalMetadata(body) ?? {} })));
  });

  router.add('DELETE', '/conversations/:id', async ({ params }) => {
    const thread = await conversationThread(params.id);
    await backend().threads.delete(thread.id);
    return json({ id: conversationOf(thread.id), object: 'conversation.deleted', deleted: true });
  });

  router.add('GET', '/conversations/:id/items', async ({ params, query }) => {
    const thread = await conversationThread(params.id);
    return json(await listConversationItems(backend().threads, thread.id, listQuery(query)));
  });

  router.add('POST', '/conversations/:id/items', async ({ params, body }) => {
    const thread = await conversationThread(params.id);
    const items = messagesOnly(body.items, 'items');
    assertIdle(services, thread.id, 'add items');
    const appended = await backend().threads.appendMessages(thread.id, items);
    const data = appended.flatMap(messageToItems);
    return json({ object: 'list', data, first_id: data[0]?.id ?? null, last_id: data[data.length - 1]?.id ?? null, has_more: false });
  });

  router.add('GET', '/conversations/:id/items/:item_id', async ({ params }) => {
    const thread = await conversationThread(params.id);
    const item = await findConversationItem(backend().threads, thread.id, params.item_id);
    if (!item) throw notFound(`No item found with id ${JSON.stringify(params.item_id.slice(0, 80))} in this conversation.`);
    return json(item);
  });

  /** The run a response id names on the backend; 404 when it names none. */
  const responseRun = async (id: string | undefined): Promise<Run> => {
    const ids = id === undefined ? undefined : parseResponseId(id);
    const missing = (): Error => notFound(`No response found with id ${JSON.stringify(String(id).slice(0, 80))}.`);
    if (!ids) throw missing();
    // The thread part is an Assistants-style thread's, or a Responses-based service's conversation's.
    for (const threadId of [ids.threadId, conversationId(ids.threadId)]) {
      const run = await backend().threads.getRun(threadId, ids.runId).catch(unlessNotFound);
      if (run) return run;
    }
    throw missing();
  };

  router.add('POST', '/responses', async ({ body, res }) => {
    if (body.agent === undefined || body.agent === null) throw unsupported(services, "A response without 'agent' (a bare model)", 'agent');
    refuseParams(services, body, RESPONSE_SETTINGS, 'a response');
    if (body.store === false) throw unsupported(services, "'store: false' (the service keeps every thread)", 'store');
    const agent = await namedAgent(body.agent);
    const { thread, conversation, previous } = await threadOf(body);
    const messages = messagesOnly(body.input ?? [], 'input');
    if (messages.length === 0) throw badRequest("'input' is required (a string or a list of message items).", 'input');
    if (thread) assertIdle(services, thread.id, 'start a response');
    const background = body.background === true;
    const options: ResponseRunOptions = {
      client_tools: [],
      tool_choice: 'auto',
      parallel_tool_calls: true,
      background,
      store: true,
      previous_response_id: previous,
      conversation_id: conversation,
      agent: { name: agent.name, version: agent.version },
      instructions: null,
      max_output_tokens: null,
      truncation: 'disabled',
      input_message_ids: [],
      answered_calls: [],
    };
    const source = runSource(services);
    const start = async (): Promise<Run> => {
      const threadId = thread?.id ?? (await backend().threads.create({ agent_id: agent.id })).id;
      const appended = await backend().threads.appendMessages(threadId, messages);
      options.input_message_ids = appended.map((message) => message.id);
      services.starting.set(threadId, options);
      try {
        const run = await backend().runs.createRun(threadId, agent.id);
        rememberOptions(services, run.id, options);
        return { ...run, response: options };
      } finally {
        services.starting.delete(threadId);
      }
    };
    const cancel = (run: Run): void => {
      backend()
        .runs.cancelRun(run.thread_id, run.id)
        .catch(() => undefined);
    };
    return deliverResponse({ res, source, start, stream: body.stream === true, background, cancel });
  });

  router.add('GET', '/responses/:id', async ({ params }) => {
    const run = await responseRun(params.id);
    return json(await loadResponse(runSource(services), run.thread_id, run.id));
  });

  router.add('POST', '/responses/:id/cancel', async ({ params }) => {
    const run = await responseRun(params.id);
    await backend().runs.cancelRun(run.thread_id, run.id);
    return json(await loadResponse(runSource(services), run.thread_id, run.id));
  });

  /** The project's agent an agent_reference names (by name, or by id); a bare model has no agent to run there. */
  async function namedAgent(
    reference: NonNullable<unknown>,
  ): Promise<Awaited<ReturnType<ReturnType<RemoteServices['backend']>['agents']['get']>>> {
    const ref = reference as { type?: unknown; name?: unknown; version?: unknown };
    if (typeof ref !== 'object' || ref.type !== 'agent_reference' || typeof ref.name !== 'string') {
      throw badRequest("'agent' must be {type: 'agent_reference', name, version?}.", 'agent');
    }
    const agents = await backend().agents.list();
    const found = agents.find((a) => a.name === ref.name) ?? agents.find((a) => a.id === ref.name);
    if (!found) throw notFound(`No agent named ${JSON.stringify(ref.name.slice(0, 80))} in ${backend().label}.`);
    if (ref.version !== undefined && ref.version !== null && String(ref.version) !== String(found.version)) {
      throw unsupported(services, 'Running an older version of an agent', 'agent');
    }
    return found;
  }

  async function threadOf(
    body: Record<string, unknown>,
  ): Promise<{ thread: Thread | undefined; conversation: string | null; previous: string | null }> {
    const conversation = body.conversation;
    const previous = optionalString(body, 'previous_response_id');
    if (conversation !== undefined && conversation !== null && previous !== undefined) {
      throw badRequest("Pass 'conversation' or 'previous_response_id', not both.", 'previous_response_id');
    }
    if (conversation !== undefined && conversation !== null) {
      const thread = await conversationThread(typeof conversation === 'object' ? (conversation as { id?: unknown }).id : conversation);
      return { thread, conversation: conversationOf(thread.id), previous: null };
    }
    if (previous !== undefined) {
      const run = await responseRun(previous);
      const runs = await backend().threads.listRuns(run.thread_id);
      if (runs[runs.length - 1]?.id !== run.id) {
        throw badRequest(
          'previous_response_id must name the latest response of its conversation (branching is not supported).',
          'previous_response_id',
        );
      }
      const earlier = services.responseOptions.get(run.id)?.conversation_id ?? null;
      return { thread: await backend().threads.get(run.thread_id), conversation: earlier, previous };
    }
    return { thread: undefined, conversation: null, previous: null };
  }
}
