import type OpenAI from 'openai';
import type { Metadata } from '../../../domain/common';
import type { Message, MessageInput } from '../../../domain/message';
import type { ListQuery, Page } from '../../../domain/pagination';
import type { Run, RunStep } from '../../../domain/run';
import { UNTITLED_THREAD_TITLE, type CreateThreadOptions, type Thread, type ThreadUpdate } from '../../../domain/thread';
import type { ThreadRepository } from '../../backend';
import { callFoundry, FoundryError } from '../foundryErrors';
import type { FoundryEvents } from '../foundryEvents';
import {
  type ConversationFacts,
  conversationToThread,
  itemsToMessages,
  type ItemOrigin,
  messageToInputItem,
  META,
  type WireItem,
} from './agentServiceMapping';
import { updatedThreadMetadata } from '../foundryMapping';
import { decodeCopiedTimes, encodeCopiedTimes } from './copiedTimes';

/** The tree lists this many of the newest conversations; older ones stay in the service. */
export const CONVERSATION_LIST_LIMIT = 100;

/** What this window knows of runs: the service keeps responses, not runs (a run is one turn's chain of responses). */
export interface RunLedger {
  runs(threadId: string): Run[];
  run(threadId: string, runId: string): Run | undefined;
  steps(threadId: string, runId: string): RunStep[] | undefined;
  /** Which run wrote an item (responses do not say on conversation items). */
  readonly origins: ReadonlyMap<string, ItemOrigin>;
  /** Outputs of function calls, by call id, for a call whose output item is on another page. */
  readonly outputs: ReadonlyMap<string, string>;
  remember(itemId: string, origin: ItemOrigin): void;
}

const nowSeconds = (): number => Math.floor(Date.now() / 1000);

/** The project's conversations as threads, and their items as messages, read a page at a time with the service's cursors. */
export class ConversationThreads implements ThreadRepository {
  /** What each conversation read in this window says of its items, read once (its agent changes only through here). */
  private readonly facts = new Map<string, Promise<ConversationFacts>>();

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
    private readonly openai: OpenAI,
    private readonly events: FoundryEvents,
    private readonly ledger: RunLedger,
  ) {}

  async create(options: CreateThreadOptions = {}): Promise<Thread> {
    const metadata: Metadata = { ...(options.metadata ?? {}), [META.title]: (options.title ?? UNTITLED_THREAD_TITLE).slice(0, 512) };
    if (options.agent_id) metadata[META.agentId] = options.agent_id;
    const messages = options.messages ?? [];
    if (messages.length) {
      metadata[META.messageCount] = String(messages.length);
      metadata[META.lastActivity] = String(nowSeconds());
      // A copied thread's messages keep their times: items cannot carry one, the conversation's metadata can.
      if (messages.some((m) => m.created_at)) metadata[META.copiedTimes] = encodeCopiedTimes(messages.map((m) => m.created_at ?? 0));
    }
    const created = await callFoundry('create a conversation', () =>
      this.openai.conversations.create({
        metadata,
        items: messages.map((m) => messageToInputItem(m.role, m.content)) as unknown as OpenAI.Responses.ResponseInputItem[],
      }),
    );
    this.events.threadsChanged.fire({ type: 'created', threadId: created.id });
    return conversationToThread(created);
  }

  async get(threadId: string): Promise<Thread> {
    return conversationToThread(await callFoundry('read the conversation', () => this.openai.conversations.retrieve(threadId)));
  }

  /** The newest conversations (Foundry lists a project's conversations; the openai package has no method for it). */
  async list(): Promise<Thread[]> {
    const page = await callFoundry('list conversations', () =>
      this.openai.get<{ data: OpenAI.Conversations.Conversation[] }>('/conversations', {
        query: { limit: CONVERSATION_LIST_LIMIT, order: 'desc' },
      }),
    );
    return page.data.map(conversationToThread).sort((a, b) => b.last_activity_at - a.last_activity_at);
  }

  async update(threadId: string, update: ThreadUpdate): Promise<Thread> {
    const current = await callFoundry('read the conversation', () => this.openai.conversations.retrieve(threadId));
    const metadata = updatedThreadMetadata(current.metadata as Metadata | null, update);
    const updated = await callFoundry('update the conversation', () => this.openai.conversations.update(threadId, { metadata }));
    this.facts.delete(threadId);
    this.events.threadsChanged.fire({ type: 'updated', threadId });
    return conversationToThread(updated);
  }

  rename(threadId: string, title: string): Promise<Thread> {
    if (!title.trim()) throw new Error('A thread title cannot be empty.');
    return this.update(threadId, { title: title.trim() });
  }

  async delete(threadId: string): Promise<void> {
    await callFoundry('delete the conversation', () => this.openai.conversations.delete(threadId));
    this.facts.delete(threadId);
    this.events.threadsChanged.fire({ type: 'deleted', threadId });
  }

  async appendMessage(threadId: string, input: MessageInput): Promise<Message> {
    return (await this.appendMessages(threadId, [input]))[0];
  }

  /** One request for all of them: the conversation takes a list of items. */
  async appendMessages(threadId: string, inputs: MessageInput[]): Promise<Message[]> {
    if (!inputs.length) return [];
    const added = await callFoundry('add the message', () =>
      this.openai.conversations.items.create(threadId, {
        items: inputs.map((m) => messageToInputItem(m.role, m.content)) as unknown as OpenAI.Responses.ResponseInputItem[],
      }),
    );
    // The service gives items no time: this window remembers when it added them.
    const createdAt = nowSeconds();
    for (const item of added.data) this.ledger.remember(item.id!, { runId: null, agentId: null, agentVersion: null, createdAt });
    const messages = itemsToMessages(threadId, added.data as unknown as WireItem[], this.ledger.outputs, this.ledger.origins);
    this.events.messagesAppended.fire({ threadId, messages });
    await this.touch(threadId, messages.length);
    return messages;
  }

  async getMessage(threadId: string, messageId: string): Promise<Message> {
    const item = await callFoundry('read the message', () =>
      this.openai.conversations.items.retrieve(messageId, { conversation_id: threadId }),
    );
    const facts = await this.factsOf(threadId);
    const [message] = itemsToMessages(threadId, [item as unknown as WireItem], this.ledger.outputs, this.ledger.origins, facts);
    if (!message) throw new FoundryError('foundry_not_found', `Item ${messageId} is a tool output, shown with its call.`);
    return message;
  }

  /**
   * One page of items as messages, with the service's cursor (item ids). A function call's output item folds into
   * its call, so a page may hold fewer messages than `limit`; `before` reads the other way from that item.
   */
  async listMessages(threadId: string, query: ListQuery = {}): Promise<Page<Message>> {
    const limit = Math.min(query.limit ?? 20, 100);
    const order = query.order ?? 'desc';
    const reversed = !!query.before && !query.after;
    const page = await callFoundry('read messages', () =>
      this.openai.conversations.items.list(threadId, {
        limit,
        order: reversed ? (order === 'asc' ? 'desc' : 'asc') : order,
        ...(reversed ? { after: query.before } : query.after ? { after: query.after } : {}),
      }),
    );
    const items = page.data as unknown as WireItem[];
    const facts = await this.factsOf(threadId);
    const data = itemsToMessages(threadId, reversed ? [...items].reverse() : items, this.ledger.outputs, this.ledger.origins, facts);
    return { object: 'list', data, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null, has_more: page.has_more };
  }

  async getRun(threadId: string, runId: string): Promise<Run> {
    const run = this.ledger.run(threadId, runId);
    if (!run)
      throw new FoundryError(
        'foundry_not_found',
        `Run ${runId} was not made from this workspace (or is older than the runs it keeps); Foundry keeps its responses, not runs.`,
      );
    return run;
  }

  async listRuns(threadId: string): Promise<Run[]> {
    return this.ledger.runs(threadId);
  }

  async listRunSteps(threadId: string, runId?: string): Promise<RunStep[]> {
    return runId ? (this.ledger.steps(threadId, runId) ?? []) : [];
  }

  /** The conversation's agent and its copied messages' times (their items are the conversation's first ones). */
  private factsOf(threadId: string): Promise<ConversationFacts> {
    let facts = this.facts.get(threadId);
    if (!facts) {
      facts = this.readFacts(threadId);
      this.facts.set(threadId, facts);
      facts.catch(() => this.facts.delete(threadId)); // read again next time
    }
    return facts;
  }

  private async readFacts(threadId: string): Promise<ConversationFacts> {
    const conversation = await callFoundry('read the conversation', () => this.openai.conversations.retrieve(threadId));
    const metadata = (conversation.metadata as Metadata | null) ?? {};
    const times = decodeCopiedTimes(metadata[META.copiedTimes]);
    const copiedTimes = new Map<string, number>();
    let after: string | undefined;
    while (copiedTimes.size < times.length) {
      const page = await callFoundry('read messages', () =>
        this.openai.conversations.items.list(threadId, { limit: 100, order: 'asc', ...(after ? { after } : {}) }),
      );
      for (const item of page.data) if (copiedTimes.size < times.length) copiedTimes.set(item.id!, times[copiedTimes.size]);
      if (!page.has_more || !page.data.length) break;
      after = page.data.at(-1)!.id;
    }
    return { agentId: metadata[META.agentId] || null, copiedTimes };
  }

  /** Keeps the tree's message count and activity time in the conversation's metadata; best effort. */
  async touch(threadId: string, added: number): Promise<void> {
    try {
      const current = await this.openai.conversations.retrieve(threadId);
      const metadata: Metadata = { ...((current.metadata as Metadata | null) ?? {}) };
      metadata[META.messageCount] = String(Number(metadata[META.messageCount] ?? 0) + added);
      metadata[META.lastActivity] = String(nowSeconds());
      await this.openai.conversations.update(threadId, { metadata });
      this.events.threadsChanged.fire({ type: 'updated', threadId });
    } catch {
      // The count is a convenience for the tree; the message itself is safe in the service.
    }
  }
}
