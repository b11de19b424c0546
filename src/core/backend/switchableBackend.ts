// The one backend object the UI holds. It forwards every call to the backend the workspace's setting chooses and
// re-announces that backend's events, so switching between local storage and Foundry needs no view to be rebuilt.

import type { RunEngineEvent } from '../runs/runRecorder';
import { RunError } from '../runs/runErrors';
import type { Message } from '../domain/message';
import type { Run } from '../domain/run';
import type { ThreadChange } from '../store/threadStore';
import { DisposableStore } from '../util/disposableStore';
import { Emitter } from '../util/emitter';
import { agentVersionHistory, type AgentRepository, type Backend, type RunService, type ThreadRepository } from './backend';

export class SwitchableBackend implements Backend {
  private current: Backend;
  private readonly forwarding = new DisposableStore();
  private readonly agentsChanged = new Emitter<unknown>();
  private readonly threadsChanged = new Emitter<ThreadChange>();
  private readonly appended = new Emitter<{ threadId: string; messages: Message[] }>();
  private readonly updated = new Emitter<{ threadId: string; message: Message }>();
  private readonly runSaved = new Emitter<{ threadId: string; run: Run }>();
  private readonly runEvent = new Emitter<RunEngineEvent>();

  readonly agents: AgentRepository = {
    onDidChangeAgents: this.agentsChanged.event,
    list: () => this.current.agents.list(),
    get: (id) => this.current.agents.get(id),
    create: (input) => this.current.agents.create(input),
    update: (id, update) => this.current.agents.update(id, update),
    delete: (id) => this.current.agents.delete(id),
    versions: (id) => this.history().versions(id),
    version: (id, n) => this.history().version(id, n),
  };

  /** Whether the current backend keeps every saved version of an agent. */
  get keepsAgentVersions(): boolean {
    return agentVersionHistory(this.current.agents) !== undefined;
  }

  readonly threads: ThreadRepository = {
    onDidChangeThreads: this.threadsChanged.event,
    onDidAppendMessage: this.appended.event,
    onDidUpdateMessage: this.updated.event,
    onDidSaveRun: this.runSaved.event,
    create: (options) => this.current.threads.create(options),
    get: (id) => this.current.threads.get(id),
    list: () => this.current.threads.list(),
    update: (id, update) => this.current.threads.update(id, update),
    rename: (id, title) => this.current.threads.rename(id, title),
    delete: (id) => this.current.threads.delete(id),
    appendMessage: (id, input) => this.current.threads.appendMessage(id, input),
    appendMessages: (id, inputs) => this.current.threads.appendMessages(id, inputs),
    getMessage: (id, messageId) => this.current.threads.getMessage(id, messageId),
    listMessages: (id, query) => this.current.threads.listMessages(id, query),
    getRun: (id, runId) => this.current.threads.getRun(id, runId),
    listRuns: (id) => this.current.threads.listRuns(id),
    listRunSteps: (id, runId) => this.current.threads.listRunSteps(id, runId),
  };

  readonly runs: RunService = {
    onEvent: this.runEvent.event,
    createRun: (threadId, agentId) => this.current.runs.createRun(threadId, agentId),
    cancelRun: (threadId, runId) => this.current.runs.cancelRun(threadId, runId),
    submitToolApprovals: (threadId, runId, approvals) => this.current.runs.submitToolApprovals(threadId, runId, approvals),
    decideBudget: async (threadId, runId, decision) => {
      const runs = this.current.runs;
      if (!runs.decideBudget) throw new Error(`The ${this.current.label} backend has no budgets to decide on.`);
      return runs.decideBudget(threadId, runId, decision);
    },
    activeRun: (threadId) => this.current.runs.activeRun(threadId),
    compactThread: (threadId, agentId, regenerateId) => {
      const runs = this.current.runs;
      if (!runs.compactThread)
        throw new RunError('compaction_disabled', 'This backend keeps the context of its threads itself; they cannot be compacted here.');
      return runs.compactThread(threadId, agentId, regenerateId);
    },
  };

  constructor(initial: Backend) {
    this.current = initial;
    this.forward(initial);
  }

  get kind(): Backend['kind'] {
    return this.current.kind;
  }

  get label(): string {
    return this.current.label;
  }

  private history(): NonNullable<ReturnType<typeof agentVersionHistory>> {
    const history = agentVersionHistory(this.current.agents);
    if (!history) throw new Error(`${this.current.label} keeps only the latest version of an agent.`);
    return history;
  }

  /** The backend calls go to now. */
  get active(): Backend {
    return this.current;
  }

  /** Makes `next` current; the previous one is returned to the caller, which owns (and disposes) it. */
  switchTo(next: Backend): Backend {
    const previous = this.current;
    if (next === previous) return previous;
    this.current = next;
    this.forward(next);
    this.agentsChanged.fire({ type: 'switched' });
    return previous;
  }

  private forward(backend: Backend): void {
    this.forwarding.clear();
    this.forwarding.add(backend.agents.onDidChangeAgents((e) => this.agentsChanged.fire(e)));
    this.forwarding.add(backend.threads.onDidChangeThreads((e) => this.threadsChanged.fire(e)));
    this.forwarding.add(backend.threads.onDidAppendMessage((e) => this.appended.fire(e)));
    this.forwarding.add(backend.threads.onDidUpdateMessage((e) => this.updated.fire(e)));
    this.forwarding.add(backend.threads.onDidSaveRun((e) => this.runSaved.fire(e)));
    this.forwarding.add(backend.runs.onEvent((e) => this.runEvent.fire(e)));
  }

  dispose(): void {
    this.forwarding.dispose();
    for (const emitter of [this.agentsChanged, this.threadsChanged, this.appended, this.updated, this.runSaved, this.runEvent])
      emitter.dispose();
  }
}
