// Builds the prompt for one model call: instructions, then as many of the newest thread messages as fit.
// Messages are read from the newest end in growing batches, so a 100,000-message thread costs about what a
// 100-message thread does once the window is full.

import type { TruncationStrategy } from '../domain/agent';
import type { Message, MessageContent } from '../domain/message';
import type { ChatContentPart, ChatMessage, ChatTool, ModelProfile } from '../model/types';
import { countMessageTokens, countMessagesTokens, countToolsTokens } from '../model/tokenCounter';
import { RunError } from './runErrors';
import { summaryForModel, summaryInfo, type SummaryInfo } from './summaryRecord';

/** The part of ThreadStore context building reads. */
export interface NewestMessagesSource {
  readNewest(threadId: string, count: number): Promise<Message[]>;
}

/** Optional readers for content that lives in the workspace rather than in the thread. */
export interface ContentReaders {
  /** Returns a `data:` URL for a workspace image, or undefined when it cannot be read. */
  readImage?(path: string): Promise<string | undefined>;
  /** Returns a workspace file's text, or undefined when it cannot be read. */
  readFile?(path: string): Promise<string | undefined>;
}

export interface ContextRequest {
  threadId: string;
  /** The run's effective instructions (agent or override, plus additional instructions). */
  instructions: string;
  truncation: TruncationStrategy;
  maxPromptTokens: number | null;
  maxCompletionTokens: number | null;
  profile: Pick<ModelProfile, 'contextWindow' | 'maxOutputTokens'>;
  tools: readonly ChatTool[];
  /**
   * Whether the agent compacts: the newest compaction summary stands in for the messages it covers. Otherwise
   * summaries are left out and the original messages are sent, oldest dropped first.
   */
  useSummaries?: boolean;
}

export interface BuiltContext {
  messages: ChatMessage[];
  /** Estimated prompt tokens of `messages` plus tool declarations. */
  promptTokens: number;
  /** Thread messages included (a tool-calling message counts once). */
  includedMessages: number;
  /** Whether older messages were left out (messages a summary stands in for do not count). */
  truncated: boolean;
  /** The summary sent in place of the older messages, when there is one. */
  summary?: SummaryInfo;
}

const FIRST_BATCH = 64;
/** Output tokens kept free when neither the run nor the profile says how long an answer may be. */
const DEFAULT_RESERVED_OUTPUT = 4_096;
/** What the model sees for a call whose result never arrived (the run was interrupted or cancelled). */
export const MISSING_TOOL_OUTPUT = 'No result: the tool call did not finish (the run was stopped before it ran).';

/** The token budget for thread messages: min(context window - reserved output, max_prompt_tokens). */
export function promptBudget(request: Pick<ContextRequest, 'maxPromptTokens' | 'maxCompletionTokens' | 'profile'>): number {
  const { contextWindow, maxOutputTokens } = request.profile;
  const reserved = request.maxCompletionTokens ?? maxOutputTokens ?? Math.min(DEFAULT_RESERVED_OUTPUT, Math.floor(contextWindow / 4));
  return Math.min(contextWindow - reserved, request.maxPromptTokens ?? Number.POSITIVE_INFINITY);
}

/** Builds the chat messages for the newest part of a thread that fits the run's limits. */
export async function buildContext(
  source: NewestMessagesSource,
  request: ContextRequest,
  readers: ContentReaders = {},
): Promise<BuiltContext> {
  const system: ChatMessage[] = request.instructions ? [{ role: 'system', content: request.instructions }] : [];
  const fixedTokens = countMessagesTokens(system) + countToolsTokens(request.tools);
  const budget = promptBudget(request);
  const messageLimit = request.truncation.type === 'last_messages' ? request.truncation.last_messages : Number.POSITIVE_INFINITY;

  // Groups newest first; a group is one thread message (an assistant tool-calling message with its results).
  const groups: ChatMessage[][] = [];
  let used = fixedTokens;
  let considered = 0;
  let full = false;
  let reachedStart = false;
  let summary: SummaryInfo | undefined;
  for (let batch = FIRST_BATCH; !full && !reachedStart; batch *= 2) {
    const wanted = Math.min(batch, messageLimit);
    const newest = await source.readNewest(request.threadId, wanted);
    reachedStart = newest.length < wanted || wanted >= messageLimit;
    // readNewest returns oldest first; the ones not yet considered are at the front.
    for (let i = newest.length - 1 - considered; i >= 0; i--) {
      considered++;
      const message = newest[i];
      const found = summaryInfo(message);
      if (found) {
        // Only the newest summary counts; older ones are covered by it or sit among the messages it keeps.
        if (!request.useSummaries || summary) continue;
        const tokens = countMessageTokens({ role: 'system', content: summaryForModel(found) });
        if (used + tokens > budget) {
          full = true;
          break;
        }
        used += tokens;
        summary = found;
        continue;
      }
      if (summary && message.id === summary.throughId) {
        // Everything from here back is in the summary: reading further would cost time and add nothing.
        reachedStart = true;
        break;
      }
      const group = await toChatMessages(message, readers);
      if (group.length === 0) continue;
      const tokens = group.reduce((sum, chat) => sum + countMessageTokens(chat), 0);
      if (used + tokens > budget) {
        full = true;
        break;
      }
      used += tokens;
      groups.push(group);
    }
  }
  if (groups.length === 0 && full) {
    throw new RunError(
      'context_length_exceeded',
      `The newest message is too long for the model's context (budget ${Math.max(0, budget - fixedTokens)} tokens). Shorten it, or raise the agent's max prompt tokens or the model profile's context window.`,
    );
  }
  const messages = [...system];
  // After the instructions, as a system message of its own: providers that insist on alternating user and
  // assistant turns accept it there, and the kept messages follow unchanged.
  if (summary) messages.push({ role: 'system', content: summaryForModel(summary) });
  for (let i = groups.length - 1; i >= 0; i--) messages.push(...groups[i]);
  return {
    messages,
    promptTokens: used,
    includedMessages: groups.length,
    truncated: full || !reachedStart,
    ...(summary ? { summary } : {}),
  };
}

/** The chat messages one thread message becomes; empty for messages that carry nothing for the model. */
async function toChatMessages(message: Message, readers: ContentReaders): Promise<ChatMessage[]> {
  if (message.role === 'assistant') {
    const text = textOf(message.content);
    const calls = message.tool_calls ?? [];
    // The reasoning travels with its answer; the model client decides what of it the provider gets back.
    const reasoning = message.reasoning ? { reasoning: message.reasoning } : {};
    if (calls.length === 0) return text ? [{ role: 'assistant', content: text, ...reasoning }] : [];
    // The API rejects a tool-calling message not followed by one result per call, so the group stays whole.
    return [
      {
        role: 'assistant',
        content: text,
        ...reasoning,
        tool_calls: calls.map((call) => ({ id: call.id, name: call.function.name, arguments: call.function.arguments })),
      },
      ...calls.map((call): ChatMessage => ({ role: 'tool', tool_call_id: call.id, content: call.function.output ?? MISSING_TOOL_OUTPUT })),
    ];
  }
  const parts: ChatContentPart[] = [];
  for (const part of message.content) parts.push(...(await toUserParts(part, readers)));
  if (parts.length === 0) return [];
  if (parts.every((part) => part.type === 'text')) {
    return [{ role: 'user', content: parts.map((part) => (part as { text: string }).text).join('\n\n') }];
  }
  return [{ role: 'user', content: parts }];
}

async function toUserParts(part: MessageContent, readers: ContentReaders): Promise<ChatContentPart[]> {
  switch (part.type) {
    case 'text':
      return part.text.value ? [{ type: 'text', text: part.text.value }] : [];
    case 'image_url':
      return [imagePart(part.image_url.url, part.image_url.detail)];
    case 'image_file': {
      const url = await readers.readImage?.(part.image_file.path);
      return url
        ? [imagePart(url, part.image_file.detail)]
        : [{ type: 'text', text: `[Image ${part.image_file.path} could not be read.]` }];
    }
    case 'file_ref': {
      const text = await readers.readFile?.(part.path);
      return [{ type: 'text', text: text === undefined ? `[Attached file: ${part.path}]` : `File ${part.path}:\n\`\`\`\n${text}\n\`\`\`` }];
    }
  }
}

function imagePart(url: string, detail: 'auto' | 'low' | 'high' | undefined): ChatContentPart {
  return detail ? { type: 'image', url, detail } : { type: 'image', url };
}

function textOf(content: MessageContent[]): string {
  return content.flatMap((part) => (part.type === 'text' ? [part.text.value] : [])).join('\n\n');
}
