// Messages ⇄ conversation items. One domain message becomes one or more items, in this order:
//
//   domain                                          item(s)
//   user message, text / image_url / file parts     message (role user): input_text / input_image / input_file
//   assistant message.reasoning                     reasoning (summary_text; encrypted_content carried, never shown)
//   assistant message text                          message (role assistant): output_text
//   tool call, executor 'client'                    function_call, then function_call_output once answered
//   tool call of a workspace tool, awaiting         mcp_approval_request (server_label WORKSPACE_SERVER_LABEL)
//   tool call of a workspace tool, otherwise        mcp_call with its output
//
// Workspace tools run in the extension, so a client must not run them: the Agents SDK and other Responses clients
// run every function_call they see, but treat mcp_call as done by the server. Their approval uses the item pair
// the openai package already knows for a server-side tool that needs approval: mcp_approval_request in the output,
// mcp_approval_response in the next input.

import type { Message, MessageContent, MessageInput, MessageToolCall } from '../domain/message';
import { callItemId, messageItemId, reasoningItemId } from './itemIds';
import type {
  ApprovalRequestItem,
  ConversationItem,
  FunctionCallItem,
  InputContentPart,
  ItemStatus,
  OutputMessageItem,
  ReasoningItem,
  WorkspaceToolCallItem,
} from './wireTypes';

/** The server_label of every workspace tool item: the tools are the extension's, not a real MCP server's. */
export const WORKSPACE_SERVER_LABEL = 'agent_threads_workspace';

/** An input the mapping cannot take, with the parameter it came from. */
export class ItemError extends Error {
  override readonly name = 'ItemError';
  constructor(
    message: string,
    readonly param: string,
  ) {
    super(message);
  }
}

/** The items one stored message shows as, in order. */
export function messageToItems(message: Message): ConversationItem[] {
  if (message.role === 'user') {
    return [
      { type: 'message', id: messageItemId(message.id), role: 'user', status: message.status, content: message.content.map(inputPart) },
    ];
  }
  const items: ConversationItem[] = [];
  if (message.reasoning) items.push(reasoningItem(message));
  if (message.content.some((part) => part.type === 'text')) items.push(outputMessageItem(message));
  (message.tool_calls ?? []).forEach((call, index) => items.push(...callItems(message.id, call, index)));
  return items;
}

export function reasoningItem(message: Message): ReasoningItem {
  const reasoning = message.reasoning!;
  return {
    type: 'reasoning',
    id: reasoningItemId(message.id),
    summary: reasoning.summary.map((text) => ({ type: 'summary_text', text })),
    ...(reasoning.encrypted_content ? { encrypted_content: reasoning.encrypted_content } : {}),
  };
}

export function outputMessageItem(
  message: Pick<Message, 'id' | 'content' | 'status'>,
  status: ItemStatus = message.status,
): OutputMessageItem {
  return {
    type: 'message',
    id: messageItemId(message.id),
    role: 'assistant',
    status,
    content: message.content.flatMap((part) =>
      part.type === 'text' ? [{ type: 'output_text' as const, text: part.text.value, annotations: [], logprobs: [] }] : [],
    ),
  };
}

function callItems(messageId: string, call: MessageToolCall, index: number): ConversationItem[] {
  if (call.executor === 'client') {
    const items: ConversationItem[] = [functionCallItem(messageId, index, call)];
    if (call.function.output !== null) {
      items.push({
        type: 'function_call_output',
        id: callItemId('fco', messageId, index),
        call_id: call.id,
        output: call.function.output,
        status: 'completed',
      });
    }
    return items;
  }
  if (call.awaiting_approval) return [approvalRequestItem(messageId, index, call)];
  return [workspaceCallItem(messageId, index, call, call.function.output === null ? 'in_progress' : 'completed')];
}

export function functionCallItem(messageId: string, index: number, call: Pick<MessageToolCall, 'id' | 'function'>): FunctionCallItem {
  return {
    type: 'function_call',
    id: callItemId('fc', messageId, index),
    call_id: call.id,
    name: call.function.name,
    arguments: call.function.arguments,
    status: 'completed',
  };
}

export function approvalRequestItem(messageId: string, index: number, call: Pick<MessageToolCall, 'function'>): ApprovalRequestItem {
  return {
    type: 'mcp_approval_request',
    id: callItemId('mcpr', messageId, index),
    server_label: WORKSPACE_SERVER_LABEL,
    name: call.function.name,
    arguments: call.function.arguments,
  };
}

export function workspaceCallItem(
  messageId: string,
  index: number,
  call: Pick<MessageToolCall, 'function'>,
  status: WorkspaceToolCallItem['status'],
  approved = false,
): WorkspaceToolCallItem {
  return {
    type: 'mcp_call',
    id: callItemId('mcp', messageId, index),
    server_label: WORKSPACE_SERVER_LABEL,
    name: call.function.name,
    arguments: call.function.arguments,
    output: status === 'failed' ? null : call.function.output,
    error: status === 'failed' ? { type: 'mcp_tool_execution_error', content: call.function.output ?? '' } : null,
    status,
    approval_request_id: approved ? callItemId('mcpr', messageId, index) : null,
  };
}

function inputPart(part: MessageContent): InputContentPart {
  switch (part.type) {
    case 'text':
      return { type: 'input_text', text: part.text.value };
    case 'image_url':
      return { type: 'input_image', image_url: part.image_url.url, detail: part.image_url.detail ?? 'auto', file_id: null };
    case 'image_file':
      return { type: 'input_file', filename: part.image_file.path };
    case 'file_ref':
      return { type: 'input_file', filename: part.path };
  }
}

/** What a list of input items asks for: messages to append, and answers to calls an earlier response left open. */
export interface ParsedInput {
  messages: MessageInput[];
  /** function_call_output items: the caller's results of its own function calls. */
  outputs: { call_id: string; output: string }[];
  /** mcp_approval_response items: decisions on workspace calls, by approval request item id. */
  approvals: { approval_request_id: string; approve: boolean }[];
}

type Body = Record<string, unknown>;

/** Parses a Responses `input` (a string or a list of items) or a conversation's `items`. */
export function parseInputItems(value: unknown, param: string): ParsedInput {
  const parsed: ParsedInput = { messages: [], outputs: [], approvals: [] };
  if (typeof value === 'string') {
    parsed.messages.push({ role: 'user', content: [{ type: 'text', text: { value } }] });
    return parsed;
  }
  if (!Array.isArray(value)) throw new ItemError(`'${param}' must be a string or a list of items.`, param);
  value.forEach((entry: unknown, index) => {
    const where = `${param}[${index}]`;
    if (typeof entry !== 'object' || entry === null) throw new ItemError(`${where} must be an item object.`, param);
    const item = entry as Body;
    const type = item.type ?? (item.role !== undefined ? 'message' : undefined);
    if (type === 'message') parsed.messages.push(messageInput(item, where, param));
    else if (type === 'function_call_output') {
      if (typeof item.call_id !== 'string') throw new ItemError(`${where}.call_id must be a string.`, param);
      parsed.outputs.push({ call_id: item.call_id, output: callOutputText(item.output, where, param) });
    } else if (type === 'mcp_approval_response') {
      if (typeof item.approval_request_id !== 'string' || typeof item.approve !== 'boolean') {
        throw new ItemError(`${where} must have approval_request_id (string) and approve (boolean).`, param);
      }
      parsed.approvals.push({ approval_request_id: item.approval_request_id, approve: item.approve });
    } else {
      throw new ItemError(
        `${where}: items of type ${JSON.stringify(type)} are not accepted; send messages, function_call_output and mcp_approval_response items (earlier items are kept in the conversation, so use 'conversation' or 'previous_response_id').`,
        param,
      );
    }
  });
  return parsed;
}

function messageInput(item: Body, where: string, param: string): MessageInput {
  const role = item.role;
  if (role !== 'user' && role !== 'assistant') {
    throw new ItemError(`${where}.role must be 'user' or 'assistant' (put system or developer text in 'instructions').`, param);
  }
  const content = item.content;
  if (typeof content === 'string') return { role, content: [{ type: 'text', text: { value: content } }] };
  if (!Array.isArray(content) || content.length === 0)
    throw new ItemError(`${where}.content must be a string or a non-empty list of parts.`, param);
  return { role, content: content.map((part: unknown, i) => contentPart(part, `${where}.content[${i}]`, param)) };
}

function contentPart(value: unknown, where: string, param: string): MessageContent {
  const part = (value ?? {}) as Body;
  if ((part.type === 'input_text' || part.type === 'output_text' || part.type === 'text') && typeof part.text === 'string') {
    return { type: 'text', text: { value: part.text } };
  }
  if (part.type === 'input_image' && typeof part.image_url === 'string') {
    const mime = /^data:(image\/[a-z0-9.+-]+);base64,/i.exec(part.image_url)?.[1];
    if (!mime) throw new ItemError(`${where}: image_url must be a data: URL with a base64 image (nothing is fetched).`, param);
    const detail = part.detail === 'low' || part.detail === 'high' || part.detail === 'auto' ? part.detail : undefined;
    return { type: 'image_url', image_url: { url: part.image_url, mime_type: mime, ...(detail ? { detail } : {}) } };
  }
  if (part.type === 'input_file' && typeof part.file_data === 'string') {
    const match = /^data:((?:text\/[a-z0-9.+-]+)|application\/json)(?:;[^,]*)?;base64,(.*)$/is.exec(part.file_data);
    if (!match) throw new ItemError(`${where}: file_data must be a base64 data: URL of a text or JSON file.`, param);
    const name = typeof part.filename === 'string' ? part.filename : 'attachment';
    return { type: 'text', text: { value: `File ${name}:\n\`\`\`\n${Buffer.from(match[2], 'base64').toString('utf8')}\n\`\`\`` } };
  }
  throw new ItemError(`${where}: supported parts are input_text, input_image (data: URL) and input_file (file_data).`, param);
}

function callOutputText(value: unknown, where: string, param: string): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) {
    return value
      .map((part: unknown) => {
        const p = (part ?? {}) as Body;
        if (p.type === 'input_text' && typeof p.text === 'string') return p.text;
        throw new ItemError(`${where}.output: only text parts are supported.`, param);
      })
      .join('');
  }
  throw new ItemError(`${where}.output must be a string.`, param);
}
