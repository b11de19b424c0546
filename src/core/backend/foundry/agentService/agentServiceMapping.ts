// Foundry's new agents in our model, point by point (the README's Foundry section has the same table):
//
//   theirs                                        ours
//   agent (name) + its latest version             Agent: id = name, version = the version number
//   version's definition, kind 'prompt'           model, instructions, tools (function tools = workspace tools)
//   version's definition, any other kind          a read-only Agent, metadata.kind tells which
//   conversation (metadata: title, agent, counts) Thread: id = conversation id
//   item 'message'                                Message, id = item id (so item ids are the page cursors)
//   (items carry no time or author)               the time and agent of the run that wrote it (this window), else
//                                                 the conversation's: its agent, and its copied messages' times
//   item 'function_call' (+ its output item)      assistant Message with one tool call and its output
//   item 'mcp_approval_request' (+ its response)  assistant Message with one tool call "<server> · <tool>": approved/denied
//   item 'mcp_call'                               assistant Message with one tool call and the MCP server's output
//   any other item type                           assistant Message "Unsupported item: <type>", never an error
//   response (one per model turn)                 Run steps; a run is the chain of responses of one turn
//
// The items module (src/core/items) maps the other way, our threads as items, for the local API.

import type { AgentVersion, FunctionTool, PromptAgentDefinition } from '@azure/ai-projects';
import { REASONING_EFFORTS, type Agent, type ReasoningEffort } from '../../../domain/agent';
import type { Metadata } from '../../../domain/common';
import type { Message, MessageContent } from '../../../domain/message';
import type { RunStatus } from '../../../domain/run';
import { UNTITLED_THREAD_TITLE, type Thread } from '../../../domain/thread';
import type { ToolRegistry } from '../../../tools/toolRegistry';
import { deniedByUserOutput } from '../../../runs/toolRound';
import { FOUNDRY_PROFILE } from '../endpoint';
import { META as CLASSIC_META, parseApproval } from '../foundryMapping';

export { approvalMetadata } from '../foundryMapping';

/** Metadata keys kept on agent versions and conversations: the classic ones, and two of the new agents' own. */
export const META = {
  ...CLASSIC_META,
  /** The name the user gave, where Foundry's (letters, digits, hyphens) differs. */
  displayName: 'display_name',
  /** Our field for an agent's kind when it is not 'prompt' (the agent is then read-only here). */
  kind: 'kind',
  /** The times of the messages a conversation was made with (a copied thread), see copiedTimes.ts. */
  copiedTimes: 'copied_times',
} as const;

const seconds = (date: Date | number | undefined | null): number =>
  date instanceof Date ? Math.floor(date.getTime() / 1000) : typeof date === 'number' ? date : 0;

/** The effort a prompt agent's `reasoning` asks for, if it is one we offer (others are the service's own; left unset). */
function reasoningEffortOf(effort: unknown): ReasoningEffort | null {
  return REASONING_EFFORTS.includes(effort as ReasoningEffort) ? (effort as ReasoningEffort) : null;
}

/** An agent's latest version as our Agent. */
export function versionToAgent(version: AgentVersion, createdAt?: Date): Agent {
  const metadata: Metadata = { ...(version.metadata ?? {}) };
  const approval = parseApproval(metadata[META.approval]);
  delete metadata[META.approval];
  const displayName = metadata[META.displayName];
  delete metadata[META.displayName];
  const definition = version.definition;
  const prompt = definition.kind === 'prompt' ? (definition as PromptAgentDefinition) : undefined;
  if (!prompt) metadata[META.kind] = definition.kind;
  return {
    id: version.name,
    object: 'assistant',
    version: Number(version.version) || 1,
    name: displayName || version.name,
    description: version.description || null,
    model: { profile: FOUNDRY_PROFILE, name: prompt?.model ?? definition.kind },
    instructions: prompt?.instructions ?? '',
    tools: (prompt?.tools ?? []).flatMap((tool) => (tool.type === 'function' ? [{ name: (tool as FunctionTool).name }] : [])),
    tool_settings: {},
    approval_policy: approval,
    temperature: prompt?.temperature ?? null,
    top_p: prompt?.top_p ?? null,
    reasoning_effort: reasoningEffortOf(prompt?.reasoning?.effort),
    response_format: 'auto',
    max_prompt_tokens: null,
    max_completion_tokens: null,
    truncation_strategy: { type: 'auto' },
    metadata,
    created_at: seconds(createdAt ?? version.created_at),
    updated_at: seconds(version.created_at),
  };
}

/** A prompt definition from our agent fields; tools are our workspace tools, declared as function tools. */
export function promptDefinition(
  agent: Pick<Agent, 'model' | 'instructions' | 'tools' | 'temperature' | 'top_p' | 'reasoning_effort'>,
  tools: Pick<ToolRegistry, 'get'>,
): PromptAgentDefinition {
  return {
    kind: 'prompt',
    model: agent.model.name,
    instructions: agent.instructions,
    ...(agent.temperature !== null && agent.temperature !== undefined ? { temperature: agent.temperature } : {}),
    ...(agent.top_p !== null && agent.top_p !== undefined ? { top_p: agent.top_p } : {}),
    ...(agent.reasoning_effort ? { reasoning: { effort: agent.reasoning_effort } } : {}),
    tools: agent.tools.flatMap(({ name }) => {
      const tool = tools.get(name);
      return tool
        ? [{ type: 'function' as const, name: tool.name, description: tool.description, parameters: tool.parameters, strict: false }]
        : [];
    }),
  };
}

export interface ConversationLike {
  id: string;
  created_at: number;
  metadata?: unknown;
}

export function conversationToThread(conversation: ConversationLike): Thread {
  const metadata: Metadata = { ...((conversation.metadata as Metadata | null) ?? {}) };
  const created = conversation.created_at;
  const title = metadata[META.title] || UNTITLED_THREAD_TITLE;
  const agentId = metadata[META.agentId] || null;
  const count = Number(metadata[META.messageCount] ?? 0);
  const lastActivity = Number(metadata[META.lastActivity] ?? created);
  for (const key of [META.title, META.agentId, META.messageCount, META.lastActivity, META.copiedTimes]) delete metadata[key];
  return {
    id: conversation.id,
    object: 'thread',
    title,
    agent_id: agentId,
    created_at: created,
    metadata,
    message_count: Number.isFinite(count) ? count : 0,
    last_activity_at: Number.isFinite(lastActivity) ? lastActivity : created,
  };
}

/** A conversation item as read from the wire: only `type` and `id` are relied on before the type is known. */
export type WireItem = { type: string; id?: string } & Record<string, unknown>;

/** Who wrote an item and when, as this window saw it (items say neither; responses do not name their items). */
export interface ItemOrigin {
  /** The run that wrote it; null for a message the user added. */
  runId: string | null;
  agentId: string | null;
  agentVersion: number | null;
  /** When it was written (Unix seconds). */
  createdAt: number;
}

/** What the conversation itself tells of items no run of this window wrote: a copied thread's, another window's. */
export interface ConversationFacts {
  /** The agent the conversation is with, the author of answers of unknown origin. */
  agentId: string | null;
  /** The original times of the messages the conversation was made with (a copied thread), by item id. */
  copiedTimes: ReadonlyMap<string, number>;
}

/** Marks an MCP request the user refused, until its card's tool name is known. */
const MCP_DENIED = '\u0000denied';

const NO_FACTS: ConversationFacts = { agentId: null, copiedTimes: new Map() };

/** An item's time as the service gives it, when it gives one (Foundry may add `created_at`; OpenAI's items have none). */
function serviceTime(value: unknown): number | undefined {
  if (typeof value === 'number' && value > 0) return Math.floor(value);
  if (typeof value === 'string' && value) {
    const parsed = /^\d+$/.test(value) ? Number(value) : Date.parse(value) / 1000;
    return Number.isFinite(parsed) && parsed > 0 ? Math.floor(parsed) : undefined;
  }
  return undefined;
}

/**
 * The messages a page of items shows. Function call outputs fold into their call (found in `outputs` when the
 * output item is on another page); item types this version does not know show as a short notice.
 */
export function itemsToMessages(
  threadId: string,
  items: readonly WireItem[],
  outputs: ReadonlyMap<string, string>,
  origins: ReadonlyMap<string, ItemOrigin> = new Map(),
  facts: ConversationFacts = NO_FACTS,
): Message[] {
  const pageOutputs = new Map(outputs);
  for (const item of items) if (item.type === 'function_call_output') pageOutputs.set(String(item.call_id), outputText(item.output));
  for (const item of items)
    if (item.type === 'mcp_approval_response')
      pageOutputs.set(String(item.approval_request_id), item.approve === true ? 'Approved.' : MCP_DENIED);
  return items.flatMap((item) => {
    if (item.type === 'function_call_output' || item.type === 'mcp_approval_response') return [];
    const message = itemToMessage(threadId, item, pageOutputs);
    const origin = origins.get(message.id);
    // 0 is "time unknown": the view shows no time rather than the Unix epoch.
    const created_at = message.created_at || origin?.createdAt || facts.copiedTimes.get(message.id) || 0;
    if (message.role !== 'assistant') return [{ ...message, created_at }];
    // An answer copied from another thread, or written in another window, is the conversation's agent's.
    const version = origin?.agentId ? origin.agentVersion : null;
    return [
      {
        ...message,
        created_at,
        run_id: origin?.runId ?? null,
        assistant_id: origin?.agentId ?? facts.agentId,
        ...(version !== null ? { assistant_version: version } : {}),
      },
    ];
  });
}

export function itemToMessage(threadId: string, item: WireItem, outputs: ReadonlyMap<string, string> = new Map()): Message {
  const base: Message = {
    id: String(item.id ?? ''),
    object: 'thread.message',
    thread_id: threadId,
    role: 'assistant',
    content: [],
    assistant_id: null,
    run_id: null,
    status: 'completed',
    incomplete_details: null,
    attachments: null,
    metadata: null,
    created_at: serviceTime(item.created_at) ?? 0,
    completed_at: null,
    incomplete_at: null,
  };
  if (item.type === 'message') {
    const incomplete = item.status === 'incomplete';
    return {
      ...base,
      role: item.role === 'assistant' ? 'assistant' : 'user',
      content: contentOf(item.content),
      status: incomplete ? 'incomplete' : item.status === 'in_progress' ? 'in_progress' : 'completed',
      incomplete_details: incomplete ? { reason: 'run_cancelled' } : null,
    };
  }
  if (item.type === 'function_call') {
    const callId = String(item.call_id);
    return {
      ...base,
      tool_calls: [
        {
          id: callId,
          type: 'function',
          function: { name: String(item.name), arguments: String(item.arguments ?? '{}'), output: outputs.get(callId) ?? null },
        },
      ],
    };
  }
  if (item.type === 'mcp_approval_request' || item.type === 'mcp_call') {
    const id = String(item.id);
    const error = item.error ? `Error: ${typeof item.error === 'string' ? item.error : JSON.stringify(item.error)}` : null;
    const name = `${String(item.server_label)} · ${String(item.name)}`;
    const answer = outputs.get(id);
    // A refusal reads as the one the run recorded, so the card says "Denied" when the thread is read back.
    const decided = answer === MCP_DENIED ? deniedByUserOutput(name) : (answer ?? null);
    const output = item.type === 'mcp_call' ? (typeof item.output === 'string' ? item.output : error) : decided;
    return {
      ...base,
      tool_calls: [
        {
          id,
          type: 'function',
          function: { name, arguments: String(item.arguments ?? '{}'), output },
        },
      ],
    };
  }
  if (item.type === 'reasoning') {
    const summary = Array.isArray(item.summary) ? item.summary.map((part: { text?: unknown }) => String(part.text ?? '')) : [];
    return { ...base, reasoning: { summary } };
  }
  return {
    ...base,
    content: [{ type: 'text', text: { value: `Unsupported item: ${item.type}` } }],
    metadata: { unsupported_item: item.type },
  };
}

function contentOf(content: unknown): MessageContent[] {
  if (typeof content === 'string') return [{ type: 'text', text: { value: content } }];
  if (!Array.isArray(content)) return [];
  return content.map((part: Record<string, unknown>): MessageContent => {
    if ((part.type === 'input_text' || part.type === 'output_text' || part.type === 'text') && typeof part.text === 'string')
      return { type: 'text', text: { value: part.text } };
    if (part.type === 'input_image' && typeof part.image_url === 'string')
      return {
        type: 'image_url',
        image_url: { url: part.image_url, mime_type: /^data:([^;,]+)/.exec(part.image_url)?.[1] ?? 'image/png' },
      };
    return { type: 'text', text: { value: `[${String(part.type)} content kept in Foundry]` } };
  });
}

function outputText(output: unknown): string {
  if (typeof output === 'string') return output;
  if (Array.isArray(output)) return output.map((part: { text?: unknown }) => String(part.text ?? '')).join('');
  return JSON.stringify(output ?? null);
}

/** Our message as the items a conversation takes (workspace files are named: the service cannot read them). */
export function messageToInputItem(role: 'user' | 'assistant', content: readonly MessageContent[]): Record<string, unknown> {
  const parts = content.map((part) => {
    if (part.type === 'text') return { type: role === 'user' ? 'input_text' : 'output_text', text: part.text.value };
    if (part.type === 'image_url' && role === 'user') return { type: 'input_image', image_url: part.image_url.url, detail: 'auto' };
    const name = part.type === 'file_ref' ? part.path : part.type === 'image_file' ? part.image_file.path : 'image';
    return { type: role === 'user' ? 'input_text' : 'output_text', text: `[attached workspace file: ${name}]` };
  });
  return { type: 'message', role, content: parts };
}

/** A response's status as the run state the UI shows. */
export function runStatusOfResponse(status: string | undefined): RunStatus {
  switch (status) {
    case 'queued':
      return 'queued';
    case 'in_progress':
      return 'in_progress';
    case 'completed':
      return 'completed';
    case 'cancelled':
      return 'cancelled';
    case 'incomplete':
      return 'incomplete';
    default:
      return 'failed';
  }
}
