import type { Metadata, UnixSeconds } from './common';
import { assertValidId, newId } from './ids';

export type MessageRole = 'user' | 'assistant';
export type MessageStatus = 'in_progress' | 'incomplete' | 'completed';

/** A span of text that refers to a workspace file (e.g. a citation). */
export interface TextAnnotation {
  type: 'file_path' | 'file_citation';
  text: string;
  start_index: number;
  end_index: number;
  path: string;
}

export interface TextContentPart {
  type: 'text';
  text: { value: string; annotations?: TextAnnotation[] };
}

/** An image stored in the workspace, by workspace-relative or absolute path. */
export interface ImageFileContentPart {
  type: 'image_file';
  image_file: { path: string; mime_type: string; detail?: 'auto' | 'low' | 'high' };
}

/** An image carried inline as a `data:` URL (e.g. pasted into the chat). */
export interface ImageUrlContentPart {
  type: 'image_url';
  image_url: { url: string; mime_type: string; detail?: 'auto' | 'low' | 'high' };
}

/** A reference to a workspace file whose contents the run engine reads into context. */
export interface FileRefContentPart {
  type: 'file_ref';
  path: string;
  mime_type?: string;
}

export type MessageContent = TextContentPart | ImageFileContentPart | ImageUrlContentPart | FileRefContentPart;

/**
 * A tool call the assistant made in this message, with its result once known. Kept on the message (besides the
 * run step) so the run engine can rebuild model context from the newest messages alone.
 */
export interface MessageToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string; output: string | null };
  /**
   * Who runs the call: absent for the extension's own (workspace) tools; 'client' for a function tool the API caller
   * declared and runs itself (Responses `function_call`, answered by a `function_call_output`).
   */
  executor?: 'client';
  /** Set while a workspace tool call waits for the user's approval after its run handed the decision to the caller. */
  awaiting_approval?: true;
}

/**
 * The model's reasoning behind an answer, when the provider shares it (Responses API reasoning items). The summary
 * is shown as a collapsible "thinking" part and is searchable; `encrypted_content` is opaque, carried back to the
 * provider on later turns where it needs it, and never shown, exported as text or logged.
 */
export interface MessageReasoning {
  /** The provider's id for the reasoning item, so it can be sent back as it was. */
  id?: string;
  /** Summary paragraphs, in the order the model wrote them. */
  summary: string[];
  encrypted_content?: string;
}

/** A file attached to a message for a tool to use. */
export interface MessageAttachment {
  path: string;
  tools?: { name: string }[];
}

export interface MessageIncompleteDetails {
  reason: 'content_filter' | 'max_tokens' | 'run_cancelled' | 'run_expired' | 'run_failed';
}

/** A message in a thread, in the Assistants API shape (paths instead of file ids). */
export interface Message {
  id: string;
  object: 'thread.message';
  thread_id: string;
  role: MessageRole;
  content: MessageContent[];
  tool_calls?: MessageToolCall[];
  /** Present on answers from reasoning models that share a summary (our extra, like assistant_version). */
  reasoning?: MessageReasoning;
  assistant_id: string | null;
  /**
   * The version of the agent that wrote an answer (our extra, like Run.assistant_version): a thread's answers may come
   * from different agents, and from different versions of one. Absent on the user's messages and on older answers.
   */
  assistant_version?: number;
  run_id: string | null;
  status: MessageStatus;
  incomplete_details: MessageIncompleteDetails | null;
  attachments: MessageAttachment[] | null;
  metadata: Metadata | null;
  created_at: UnixSeconds;
  completed_at: UnixSeconds | null;
  incomplete_at: UnixSeconds | null;
}

/**
 * What a caller supplies to append a message; the store fills thread_id, created_at and defaults, and a new id
 * unless one is given (import keeps ids that do not collide).
 */
export type MessageInput = Pick<Message, 'role' | 'content'> & Partial<Omit<Message, 'object' | 'thread_id' | 'role' | 'content'>>;

/** The message `input` becomes in thread `threadId`, written at `at` (defaults as the store applies them). */
export function buildMessage(threadId: string, input: MessageInput, at: number): Message {
  const id = input.id ?? newId('msg');
  assertValidId('msg', id);
  const status = input.status ?? 'completed';
  const message: Message = {
    id,
    object: 'thread.message',
    thread_id: threadId,
    role: input.role,
    content: input.content,
    assistant_id: input.assistant_id ?? null,
    run_id: input.run_id ?? null,
    status,
    incomplete_details: input.incomplete_details ?? null,
    attachments: input.attachments ?? null,
    metadata: input.metadata ?? null,
    created_at: input.created_at ?? at,
    completed_at: input.completed_at ?? (status === 'completed' ? at : null),
    incomplete_at: input.incomplete_at ?? null,
  };
  if (input.tool_calls) message.tool_calls = input.tool_calls;
  if (input.reasoning) message.reasoning = input.reasoning;
  if (input.assistant_version !== undefined) message.assistant_version = input.assistant_version;
  return message;
}

/** The fields a later update (typically at the end of a run) may change. */
export type MessageUpdate = Partial<
  Pick<Message, 'content' | 'tool_calls' | 'reasoning' | 'status' | 'incomplete_details' | 'completed_at' | 'incomplete_at' | 'metadata'>
>;

/** Incremental content streamed while a message is being written (thread.message.delta). */
export interface MessageDelta {
  id: string;
  object: 'thread.message.delta';
  delta: {
    role?: MessageRole;
    content?: Array<{ index: number } & Partial<MessageContent>>;
    /** A piece of the reasoning summary's paragraph `summary_index`, streamed before the answer (our extra). */
    reasoning?: { summary_index: number; value: string };
  };
}

/** The plain text of a message: its text parts joined by blank lines. */
export function messageText(message: Pick<Message, 'content'>): string {
  return message.content
    .filter((part): part is TextContentPart => part.type === 'text')
    .map((part) => part.text.value)
    .join('\n\n');
}
