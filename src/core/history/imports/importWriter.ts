import { createHash } from 'node:crypto';
import { newId } from '../../domain/ids';
import type { MessageInput, MessageToolCall } from '../../domain/message';
import type { Thread } from '../../domain/thread';
import { importThreadJson } from '../../backend/threadExport';
import type { ThreadRepository } from '../../backend/backend';
import type { ThreadStore } from '../../store/threadStore';
import { validateMessageInput } from '../../store/messageValidation';
import { IMPORT_LIMITS, ImportError, type ImportedConversation, type ImportedMessage, type ImportedToolCall } from './importedConversation';

/** Thread metadata an import writes: where the thread came from, and the fingerprint that keeps a second import out. */
export const IMPORT_METADATA = {
  source: 'import_source',
  sourceId: 'import_id',
  fingerprint: 'import_fingerprint',
  /** Present while the messages are being written: a thread that still has it after a crash is removed and redone. */
  pending: 'import_pending',
} as const;

/** Where imports go: any backend's threads; runs are kept where the backend can store them (our own exports). */
export type ImportTarget = Pick<ThreadRepository, 'list' | 'get' | 'create' | 'update' | 'delete'> &
  Partial<Pick<ThreadStore, 'saveRun' | 'saveRunStep'>>;

/** What importing one conversation did. */
export type ImportResult = { kind: 'imported'; thread: Thread } | { kind: 'present'; thread: Thread };

/** The fingerprint of a conversation: its source, id and every message as imported (so an edited source imports anew). */
export function conversationFingerprint(conversation: ImportedConversation): string {
  const hash = createHash('sha256');
  hash.update(JSON.stringify([conversation.format, conversation.sourceId]));
  for (const m of conversation.messages) hash.update(JSON.stringify([m.role, m.text, m.createdAt, m.toolCalls ?? [], m.reasoning ?? []]));
  return hash.digest('hex');
}

const KEEPABLE_CALL_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** A tool call as a thread keeps it: a call id and name a model API accepts when the thread is continued. */
function toToolCall(call: ImportedToolCall, usedIds: Set<string>): MessageToolCall {
  const id = call.id && KEEPABLE_CALL_ID.test(call.id) && !usedIds.has(call.id) ? call.id : newId('call');
  usedIds.add(id);
  const name = call.name.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64) || 'tool';
  // A thread reads a call's status from its output: failures are worded "Error: …" (see viewModels).
  const output = call.failed && !call.output.startsWith('Error:') ? `Error: ${call.output}` : call.output;
  return { id, type: 'function', function: { name, arguments: call.arguments, output } };
}

function toMessageInput(message: ImportedMessage, usedIds: Set<string>): MessageInput {
  const input: MessageInput = {
    role: message.role,
    content: message.text ? [{ type: 'text', text: { value: message.text } }] : [],
    status: 'completed',
    created_at: message.createdAt,
    completed_at: message.createdAt,
  };
  if (message.role === 'assistant' && message.toolCalls?.length)
    input.tool_calls = message.toolCalls.map((call) => toToolCall(call, usedIds));
  if (message.role === 'assistant' && message.reasoning?.length) input.reasoning = { summary: message.reasoning };
  return input;
}

/**
 * Writes imported conversations into a thread store, each all or nothing: the thread is created with every message in
 * one batch and marked pending until then; on any failure it is removed. A conversation whose fingerprint a thread
 * already carries is not imported again.
 */
export class ConversationImporter {
  private byFingerprint?: Map<string, Thread>;

  constructor(private readonly store: ImportTarget) {}

  private async known(): Promise<Map<string, Thread>> {
    if (!this.byFingerprint) {
      this.byFingerprint = new Map();
      for (const thread of await this.store.list()) {
        const fingerprint = thread.metadata?.[IMPORT_METADATA.fingerprint];
        if (fingerprint) this.byFingerprint.set(fingerprint, thread);
      }
    }
    return this.byFingerprint;
  }

  /** A thread with this fingerprint, or undefined; a pending one (an import that died half-way) is removed first. */
  private async present(fingerprint: string): Promise<Thread | undefined> {
    const known = await this.known();
    const thread = known.get(fingerprint);
    if (thread?.metadata[IMPORT_METADATA.pending]) {
      await this.store.delete(thread.id);
      known.delete(fingerprint);
      return undefined;
    }
    return thread;
  }

  /** Imports one conversation from another assistant; `file` names it in errors. */
  async importConversation(conversation: ImportedConversation, file: string): Promise<ImportResult> {
    if (!conversation.messages.length) throw new ImportError(file, 'this conversation has no messages to import.');
    if (conversation.messages.length > IMPORT_LIMITS.maxMessages)
      throw new ImportError(
        file,
        `this conversation has ${conversation.messages.length} messages; a thread holds at most ${IMPORT_LIMITS.maxMessages}.`,
      );
    const fingerprint = conversationFingerprint(conversation);
    const existing = await this.present(fingerprint);
    if (existing) return { kind: 'present', thread: existing };
    const usedIds = new Set<string>();
    const messages = conversation.messages.map((message) => toMessageInput(message, usedIds));
    messages.forEach((message, i) => {
      try {
        validateMessageInput(message);
      } catch (error) {
        throw new ImportError(file, `message ${i + 1} cannot be kept: ${(error as Error).message}`);
      }
    });
    const metadata = {
      [IMPORT_METADATA.source]: conversation.format,
      [IMPORT_METADATA.sourceId]: conversation.sourceId.slice(0, 512),
      [IMPORT_METADATA.fingerprint]: fingerprint,
    };
    const thread = await this.writeAllOrNothing(file, metadata, (threadId, pendingMetadata) =>
      this.store.create({
        id: threadId,
        title: conversation.title.slice(0, 200),
        agent_id: null,
        created_at: conversation.createdAt,
        metadata: pendingMetadata,
        messages,
      }),
    );
    return { kind: 'imported', thread };
  }

  /** Imports one of our own thread exports (`.thread.json`) with its runs, through the export's own importer. */
  async importThreadExport(data: unknown, file: string): Promise<ImportResult> {
    let fingerprint: string;
    try {
      fingerprint = createHash('sha256').update(JSON.stringify(data)).digest('hex');
    } catch {
      throw new ImportError(file, 'this thread export is nested too deeply to be read.');
    }
    const existing = await this.present(fingerprint);
    if (existing) return { kind: 'present', thread: existing };
    const doc = data as { thread?: { metadata?: Record<string, string> } };
    const metadata = {
      ...(doc.thread?.metadata ?? {}),
      [IMPORT_METADATA.source]: 'agent-threads',
      [IMPORT_METADATA.fingerprint]: fingerprint,
    };
    const thread = await this.writeAllOrNothing(file, metadata, (threadId, pendingMetadata) =>
      importThreadJson(this.store, { ...(data as object), thread: { ...doc.thread, id: threadId, metadata: pendingMetadata } }),
    );
    return { kind: 'imported', thread };
  }

  /** Creates the thread (with an id chosen here) marked pending, then clears the mark; on failure removes it again. */
  private async writeAllOrNothing(
    file: string,
    metadata: Record<string, string>,
    create: (threadId: string, pendingMetadata: Record<string, string>) => Promise<Thread>,
  ): Promise<Thread> {
    const threadId = newId('thread');
    try {
      await create(threadId, { ...metadata, [IMPORT_METADATA.pending]: '1' });
      const thread = await this.store.update(threadId, { metadata });
      (await this.known()).set(metadata[IMPORT_METADATA.fingerprint], thread);
      return thread;
    } catch (error) {
      // The thread exists before its messages are written: whatever of it was written goes again.
      await this.store.delete(threadId).catch(() => undefined);
      if (error instanceof ImportError) throw error;
      throw new ImportError(file, `nothing was imported from it: ${(error as Error).message}`);
    }
  }
}
