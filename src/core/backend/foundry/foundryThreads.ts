import type { AgentsClient, MessageInputContentBlockUnion } from '@azure/ai-agents';
import type { Message, MessageInput } from '../../domain/message';
import type { Run, RunStep } from '../../domain/run';
import { UNTITLED_THREAD_TITLE, type Thread } from '../../domain/thread';
import type { Metadata } from '../../domain/common';
import type { ListQuery, Page } from '../../store/pagination';
import type { CreateThreadOptions, ThreadUpdate } from '../../store/threadStore';
import type { ThreadRepository } from '../backend';
import { callFoundry } from './foundryErrors';
import { firstPage, type FoundryEvents } from './foundryEvents';
import { META, toMessage, toRun, toRunStep, toThread, updatedThreadMetadata } from './foundryMapping';

/** The tree lists this many of the newest threads; older ones stay in the service, reachable by id. */
export const FOUNDRY_THREAD_LIST_LIMIT = 100;

/** The project's threads and messages, read a page at a time so a long history is never loaded whole. */
export class FoundryThreads implements ThreadRepository {
  get onDidChangeThreads() {
    return this.events.threadsChanged.event;
  }
  get onDidAppendMessage() {
    return this.events.messagesAppended.event;
  }
  get onDidUpdateMessage() {
    return this.events.messageUpdated.event;
  }
  get onDidSaveRun() {
    return this.events.runSaved.event;
  }

  constructor(
    private readonly client: AgentsClient,
    private readonly events: FoundryEvents,
    /** Outputs of tool calls this window ran, by call id (the service does not return them on run steps). */
    private readonly toolOutputs: ReadonlyMap<string, string> = new Map(),
  ) {}

  async create(options: CreateThreadOptions = {}): Promise<Thread> {
    const metadata: Metadata = { ...(options.metadata ?? {}), [META.title]: (options.title ?? UNTITLED_THREAD_TITLE).slice(0, 512) };
    if (options.agent_id) metadata[META.agentId] = options.agent_id;
    const created = await callFoundry('create a thread', () => this.client.threads.create({ metadata }));
    for (const input of options.messages ?? []) await this.postMessage(created.id, input);
    this.events.threadsChanged.fire({ type: 'created', threadId: created.id });
    if (!options.messages?.length) return toThread(created);
    await this.touch(created.id, options.messages.length);
    return this.get(created.id); // with the message count touch just wrote
  }

  async get(threadId: string): Promise<Thread> {
    return toThread(await callFoundry('read the thread', () => this.client.threads.get(threadId)));
  }

  async list(): Promise<Thread[]> {
    const page = await callFoundry('list threads', () =>
      firstPage(this.client.threads.list({ limit: FOUNDRY_THREAD_LIST_LIMIT, order: 'desc' })),
    );
    return page.map(toThread).sort((a, b) => b.last_activity_at - a.last_activity_at);
  }

  async update(threadId: string, update: ThreadUpdate): Promise<Thread> {
    const current = await callFoundry('read the thread', () => this.client.threads.get(threadId));
    const metadata = updatedThreadMetadata(current.metadata, update);
    const updated = await callFoundry('update the thread', () => this.client.threads.update(threadId, { metadata }));
    this.events.threadsChanged.fire({ type: 'updated', threadId });
    return toThread(updated);
  }

  rename(threadId: string, title: string): Promise<Thread> {
    if (!title.trim()) throw new Error('A thread title cannot be empty.');
    return this.update(threadId, { title: title.trim() });
  }

  async delete(threadId: string): Promise<void> {
    await callFoundry('delete the thread', () => this.client.threads.delete(threadId));
    this.events.threadsChanged.fire({ type: 'deleted', threadId });
  }

  async appendMessage(threadId: string, input: MessageInput): Promise<Message> {
    const message = await this.postMessage(threadId, input);
    this.events.messagesAppended.fire({ threadId, messages: [message] });
    await this.touch(threadId, 1);
    return message;
  }

  async appendMessages(threadId: string, inputs: MessageInput[]): Promise<Message[]> {
    const messages: Message[] = [];
    for (const input of inputs) messages.push(await this.postMessage(threadId, input)); // the service takes one at a time
    if (messages.length) {
      this.events.messagesAppended.fire({ threadId, messages });
      await this.touch(threadId, messages.length);
    }
    return messages;
  }

  async getMessage(threadId: string, messageId: string): Promise<Message> {
    return toMessage(await callFoundry('read the message', () => this.client.messages.get(threadId, messageId)));
  }

  /** One page; has_more comes from asking for one message more than the page holds. */
  async listMessages(threadId: string, query: ListQuery = {}): Promise<Page<Message>> {
    const limit = query.limit ?? 20;
    const page = await callFoundry('read messages', () =>
      firstPage(
        this.client.messages.list(threadId, {
          limit: Math.min(limit + 1, 100),
          order: query.order ?? 'desc',
          after: query.after,
          before: query.before,
        }),
      ),
    );
    const data = page.slice(0, limit).map(toMessage);
    return {
      object: 'list',
      data,
      first_id: data[0]?.id ?? null,
      last_id: data.at(-1)?.id ?? null,
      has_more: page.length > limit || (limit === 100 && page.length === 100),
    };
  }

  async getRun(threadId: string, runId: string): Promise<Run> {
    return toRun(await callFoundry('read the run', () => this.client.runs.get(threadId, runId)));
  }

  async listRuns(threadId: string): Promise<Run[]> {
    const page = await callFoundry('read runs', () => firstPage(this.client.runs.list(threadId, { limit: 20, order: 'desc' })));
    return page.map((run) => toRun(run));
  }

  async listRunSteps(threadId: string, runId?: string): Promise<RunStep[]> {
    if (!runId) return [];
    const page = await callFoundry('read run steps', () =>
      firstPage(this.client.runSteps.list(threadId, runId, { limit: 100, order: 'asc' })),
    );
    return page.map((step) => toRunStep(step, this.toolOutputs));
  }

  /** Keeps the tree's message count and activity time in the thread's metadata; best effort, never fails a send. */
  async touch(threadId: string, added: number): Promise<void> {
    try {
      const current = await this.client.threads.get(threadId);
      const metadata = { ...(current.metadata ?? {}) };
      metadata[META.messageCount] = String(Number(metadata[META.messageCount] ?? 0) + added);
      metadata[META.lastActivity] = String(Math.floor(Date.now() / 1000));
      await this.client.threads.update(threadId, { metadata });
      this.events.threadsChanged.fire({ type: 'updated', threadId });
    } catch {
      // The count is a convenience for the tree; the message itself is safe in the service.
    }
  }

  private async postMessage(threadId: string, input: MessageInput): Promise<Message> {
    const blocks: MessageInputContentBlockUnion[] = input.content.map((part) => {
      if (part.type === 'text') return { type: 'text', text: part.text.value };
      if (part.type === 'image_url') return { type: 'image_url', imageUrl: { url: part.image_url.url, detail: part.image_url.detail } };
      // Workspace files live on this machine, which the service cannot read: the model is told which file was meant.
      return { type: 'text', text: `[attached workspace file: ${part.type === 'file_ref' ? part.path : part.image_file.path}]` };
    });
    const message = await callFoundry('add the message', () =>
      this.client.messages.create(threadId, input.role, blocks, { metadata: input.metadata ?? undefined }),
    );
    return toMessage(message);
  }
}
