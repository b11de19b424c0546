// The seam between the UI and whatever keeps agents and threads and runs them: the local store and run engine, or a
// remote Azure AI Foundry Agent Service project. Everything in src/vscode talks to these interfaces only, so the tree,
// the panels, the chat and the commands work unchanged on either backend.

import type { Agent, AgentInput, AgentUpdate } from '../domain/agent';
import type { RunEngineEvent } from '../domain/events';
import type { Message, MessageInput } from '../domain/message';
import type { ListQuery, Page } from '../domain/pagination';
import type { Run, RunStep, ToolApproval } from '../domain/run';
import type { CreateThreadOptions, Thread, ThreadChange, ThreadUpdate } from '../domain/thread';
import type { Event } from '../util/emitter';

export interface AgentRepository {
  readonly onDidChangeAgents: Event<unknown>;
  list(): Promise<Agent[]>;
  get(agentId: string): Promise<Agent>;
  create(input: AgentInput): Promise<Agent>;
  update(agentId: string, update: AgentUpdate): Promise<Agent>;
  delete(agentId: string): Promise<void>;
  /** Every saved version of an agent, newest first: only where the backend keeps them (Foundry's new agents). */
  versions?(agentId: string): Promise<Agent[]>;
  /** One saved version of an agent, as it was saved. */
  version?(agentId: string, version: number): Promise<Agent>;
}

/** Thread metadata: the agent version a thread runs on when it was started on an older one (else the latest). */
export const PINNED_AGENT_VERSION_KEY = 'pinned_agent_version';

/** The version history of `agents`, when that backend keeps one. */
export function agentVersionHistory(agents: AgentRepository): Required<Pick<AgentRepository, 'versions' | 'version'>> | undefined {
  const { versions, version } = agents;
  if (!versions || !version) return undefined;
  return { versions: (id) => versions.call(agents, id), version: (id, n) => version.call(agents, id, n) };
}

export interface ThreadRepository {
  readonly onDidChangeThreads: Event<ThreadChange>;
  readonly onDidAppendMessage: Event<{ threadId: string; messages: Message[] }>;
  readonly onDidUpdateMessage: Event<{ threadId: string; message: Message }>;
  readonly onDidSaveRun: Event<{ threadId: string; run: Run }>;
  create(options?: CreateThreadOptions): Promise<Thread>;
  get(threadId: string): Promise<Thread>;
  list(): Promise<Thread[]>;
  update(threadId: string, update: ThreadUpdate): Promise<Thread>;
  rename(threadId: string, title: string): Promise<Thread>;
  delete(threadId: string): Promise<void>;
  appendMessage(threadId: string, input: MessageInput): Promise<Message>;
  /** Appends in order; the local store writes them as one batch. */
  appendMessages(threadId: string, inputs: MessageInput[]): Promise<Message[]>;
  getMessage(threadId: string, messageId: string): Promise<Message>;
  /** One page of messages in the Assistants list shape (cursor = message id). */
  listMessages(threadId: string, query?: ListQuery): Promise<Page<Message>>;
  getRun(threadId: string, runId: string): Promise<Run>;
  listRuns(threadId: string): Promise<Run[]>;
  listRunSteps(threadId: string, runId?: string): Promise<RunStep[]>;
}

/** Runs agents on threads and streams their events, each naming its thread and run (deltas carry neither). */
export interface RunService {
  readonly onEvent: Event<RunEngineEvent>;
  createRun(threadId: string, agentId: string): Promise<Run>;
  cancelRun(threadId: string, runId: string): Promise<unknown>;
  submitToolApprovals(threadId: string, runId: string, approvals: ToolApproval[]): Promise<unknown>;
  /** Continue or Stop on a budget card; only backends that enforce budgets (the local engine) have it. */
  decideBudget?(threadId: string, runId: string, decision: 'continue' | 'stop'): Promise<unknown>;
  activeRun(threadId: string): Run | undefined;
  /**
   * Summarizes the thread's older part with the agent's model (or writes summary `regenerateId` again); absent where
   * the backend keeps context itself (Foundry).
   */
  compactThread?(threadId: string, agentId: string, regenerateId?: string): Promise<Message>;
}

export type BackendKind = 'local' | 'foundry';

/** One place agents and threads live, with the engine that runs them. */
export interface Backend {
  readonly kind: BackendKind;
  /** What the tree shows, e.g. "Local workspace storage" or "Foundry: myproject.services.ai.azure.com". */
  readonly label: string;
  readonly agents: AgentRepository;
  readonly threads: ThreadRepository;
  readonly runs: RunService;
  dispose(): void;
}
