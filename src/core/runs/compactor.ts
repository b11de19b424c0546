// Compaction: the older part of a thread is summarized into a summary message appended to the thread (see
// summaryRecord.ts). Nothing is rewritten or deleted: the originals stay in the log, readable and searchable, and
// later runs send the summary plus the newest messages (contextBuilder.ts).

import type { Agent } from '../domain/agent';
import { type Message, messageText } from '../domain/message';
import { countTextTokens } from '../model/tokenCounter';
import type { ModelClient, ModelProfile } from '../model/types';
import type { ThreadStore } from '../store/threadStore';
import { promptBudget } from './contextBuilder';
import { RunError } from './runErrors';
import { collectFacts, renderFacts } from './summaryFacts';
import { isSummary, summaryInfo, summaryMessageParts, type SummaryInfo } from './summaryRecord';

/** What compaction needs: the agent (which must allow it), and its own model with that model's context window. */
export interface CompactionRequest {
  threadId: string;
  agent: Pick<Agent, 'id' | 'version' | 'model' | 'max_prompt_tokens' | 'max_completion_tokens' | 'context_overflow'>;
  client: ModelClient;
  profile: Pick<ModelProfile, 'contextWindow' | 'maxOutputTokens'>;
  signal: AbortSignal;
}

export type CompactionStore = Pick<ThreadStore, 'messagesNewestFirst' | 'appendMessage' | 'updateMessage' | 'getMessage'>;

/** Share of the prompt budget the newest messages keep after compaction; the rest leaves room to go on. */
const KEEP_SHARE = 0.4;
/** A tool output or message longer than this is cut in the transcript the model summarizes. */
const TRANSCRIPT_PART_CHARS = 4_000;

export const SUMMARY_INSTRUCTIONS = [
  'You compact a conversation between a user and an AI agent so the agent can go on without the full history.',
  'Write a concise Markdown summary with these headings: Decisions made, Files touched, Open tasks, Facts the user gave.',
  'Keep names, paths, numbers and commitments exactly. Leave out chit-chat. Do not invent anything.',
  'When a summary so far is given, fold the new part into it and return one complete summary.',
].join('\n');

/**
 * Summarizes the thread's older part into a new summary message, keeping the newest messages as they are.
 * Refuses (`compaction_disabled`) when the agent drops the oldest messages instead: compaction never happens
 * behind an agent that says not to.
 */
export async function compactThread(threads: CompactionStore, request: CompactionRequest): Promise<Message> {
  assertAllowed(request);
  const keepBudget = Math.floor(promptBudget(budgetInput(request)) * KEEP_SHARE);
  let kept = 0;
  let keptTokens = 0;
  let previous: SummaryInfo | undefined;
  let boundary: Message | undefined;
  const fresh: Message[] = [];
  const covered: Message[] = [];
  let reachedPrevious = false;
  for await (const message of threads.messagesNewestFirst(request.threadId, 200)) {
    if (isSummary(message)) {
      // The first met is the newest; the new summary folds it in and goes on from where it ended.
      previous ??= summaryInfo(message);
      continue;
    }
    if (!boundary) {
      if (previous && message.id === previous.throughId) throw nothingToCompact();
      const tokens = countTextTokens(transcriptLine(message));
      // The newest message always stays, however long: it is what the next call answers.
      if (kept === 0 || keptTokens + tokens <= keepBudget) {
        kept++;
        keptTokens += tokens;
        continue;
      }
      boundary = message;
    }
    covered.push(message);
    if (previous && message.id === previous.throughId) reachedPrevious = true;
    if (!reachedPrevious) fresh.push(message);
  }
  if (!boundary) throw nothingToCompact();
  covered.reverse();
  fresh.reverse();
  const modelText = await summarize(request, previous?.modelText ?? '', fresh);
  const parts = summaryMessageParts({
    throughId: boundary.id,
    count: covered.length,
    modelText,
    recordText: renderFacts(collectFacts(covered)),
  });
  return threads.appendMessage(request.threadId, {
    role: 'assistant',
    ...parts,
    assistant_id: request.agent.id,
    assistant_version: request.agent.version,
  });
}

/** Writes a summary again from the messages it covers (a new version of the same message; the old one stays in the log). */
export async function regenerateSummary(threads: CompactionStore, request: CompactionRequest, summaryId: string): Promise<Message> {
  assertAllowed(request);
  const info = summaryInfo(await threads.getMessage(request.threadId, summaryId));
  if (!info) throw new RunError('nothing_to_compact', 'That message is not a summary of earlier messages.');
  const covered: Message[] = [];
  let inRange = false;
  for await (const message of threads.messagesNewestFirst(request.threadId, 200)) {
    if (message.id === info.throughId) inRange = true;
    if (inRange && !isSummary(message)) covered.push(message);
  }
  covered.reverse();
  const modelText = await summarize(request, '', covered);
  const parts = summaryMessageParts({
    throughId: info.throughId,
    count: covered.length,
    modelText,
    recordText: renderFacts(collectFacts(covered)),
  });
  return threads.updateMessage(request.threadId, summaryId, { content: parts.content, metadata: parts.metadata });
}

function assertAllowed(request: CompactionRequest): void {
  if (request.agent.context_overflow !== 'compact') {
    throw new RunError(
      'compaction_disabled',
      "This agent drops the oldest messages when the context is full and does not compact. Set its 'When the context is full' setting to compaction first.",
    );
  }
}

function nothingToCompact(): RunError {
  return new RunError('nothing_to_compact', 'Nothing to compact: the messages since the last summary still fit the context.');
}

function budgetInput(request: CompactionRequest): Parameters<typeof promptBudget>[0] {
  return {
    maxPromptTokens: request.agent.max_prompt_tokens,
    maxCompletionTokens: request.agent.max_completion_tokens,
    profile: request.profile,
  };
}

/**
 * The model's summary of `messages` folded into `soFar`, in as many calls as it takes for each to fit the model's
 * context window: a thread far longer than the window is summarized piece by piece, oldest first.
 */
async function summarize(request: CompactionRequest, soFar: string, messages: Message[]): Promise<string> {
  const budget = promptBudget(budgetInput(request)) - countTextTokens(SUMMARY_INSTRUCTIONS) - 64;
  let summary = soFar;
  let chunk: string[] = [];
  let chunkTokens = 0;
  const flush = async () => {
    if (!chunk.length) return;
    summary = await callModel(request, summary, chunk.join('\n\n'));
    chunk = [];
    chunkTokens = 0;
  };
  for (const message of messages) {
    const line = transcriptLine(message);
    const tokens = countTextTokens(line);
    if (chunk.length && chunkTokens + tokens + countTextTokens(summary) > budget) await flush();
    chunk.push(line);
    chunkTokens += tokens;
  }
  await flush();
  return summary;
}

async function callModel(request: CompactionRequest, soFar: string, transcript: string): Promise<string> {
  const user = `${soFar ? `Summary so far:\n${soFar}\n\n` : ''}Conversation to summarize:\n${transcript}`;
  let text = '';
  for await (const event of request.client.streamChat(
    {
      model: request.agent.model.name,
      messages: [
        { role: 'system', content: SUMMARY_INSTRUCTIONS },
        { role: 'user', content: user },
      ],
    },
    request.signal,
  )) {
    if (event.type === 'text') text += event.delta;
    else if (event.type === 'retry') text = '';
  }
  if (!text.trim()) throw new RunError('compaction_failed', 'The model returned an empty summary; the thread was not compacted.');
  return text.trim();
}

/** One message as the summarizing model reads it: who said what, and each tool call with its (shortened) result. */
export function transcriptLine(message: Message): string {
  const who = message.role === 'user' ? 'User' : 'Agent';
  const lines = [`${who}: ${cut(messageText(message))}`];
  for (const call of message.tool_calls ?? []) {
    lines.push(`  Tool ${call.function.name}(${cut(call.function.arguments)}) → ${cut(call.function.output ?? 'no result')}`);
  }
  return lines.join('\n');
}

function cut(text: string): string {
  return text.length > TRANSCRIPT_PART_CHARS ? `${text.slice(0, TRANSCRIPT_PART_CHARS)}… [cut]` : text;
}
