// One exchange of a chat session with an agent (VS Code's Chat view, `@agents`): the prompt becomes a user message
// in a real thread, a run on the workspace's backend (local engine or Foundry) answers it, and the run's events are streamed to a sink as text and
// progress lines. Cancelling the signal cancels the run. No VS Code here: the adapter supplies the sink and signal.

import type { Agent } from '../domain/agent';
import { isMessageDeltaEvent, isRunLifecycleEvent, isRunStepEvent, type RunLifecycleEventName } from '../domain/events';
import { type Run, waitingToolCalls } from '../domain/run';
import type { RunService, ThreadRepository } from '../backend/backend';
import type { RunEngineEvent } from '../runs/runRecorder';
import { type ChatIntent, type ChatSessionChoice, findAgentByName } from './chatRequests';
import { errorMessage } from '../util/errors';

/** Where an exchange's answer goes (VS Code's ChatResponseStream in the extension, a recorder in tests). */
export interface ChatSink {
  /** Answer text, streamed in pieces. */
  markdown(text: string): void;
  /** A short status line (a tool call, a wait for approval). */
  progress(text: string): void;
  /** A way to open the thread the exchange is stored in (to read it in full, or approve a tool). */
  openThread(threadId: string, label: string): void;
}

export interface ChatExchangeServices {
  threads: Pick<ThreadRepository, 'create' | 'get' | 'appendMessage'>;
  agents: { list(): Promise<Agent[]> };
  runs: Pick<RunService, 'onEvent' | 'createRun' | 'cancelRun'>;
}

/** What an exchange leaves behind: the session's choice (kept in the chat result's metadata) and the run's end. */
export interface ChatExchangeResult {
  choice: ChatSessionChoice;
  runId?: string;
  status?: Run['status'];
  /** Set when the run did not answer; shown by the chat as an error. */
  error?: string;
}

/** Metadata key marking threads that came from the chat participant. */
export const CHAT_THREAD_SOURCE = 'vscode-chat';

/** Runs chat requests against the agents, threads and run engine the rest of the extension uses. */
export class ChatExchanges {
  constructor(private readonly services: ChatExchangeServices) {}

  /** Handles one request of a session whose latest choice is `session`. */
  async handle(intent: ChatIntent, session: ChatSessionChoice, sink: ChatSink, signal: AbortSignal): Promise<ChatExchangeResult> {
    const agents = await this.services.agents.list();
    const current = agents.find((agent) => agent.id === session.agentId);
    switch (intent.kind) {
      case 'use': {
        const match = findAgentByName(agents, intent.name);
        if ('problem' in match) {
          sink.markdown(match.problem);
          return { choice: session };
        }
        sink.markdown(`Talking to **${match.agent.name}** now. Your next message starts a new thread.`);
        return { choice: { agentId: match.agent.id, threadId: null } };
      }
      case 'listAgents':
        sink.markdown(
          agents.length
            ? `${agents.map((agent) => `- **${agent.name}** (${agent.model.profile}/${agent.model.name})${agent.id === current?.id ? ' ← current' : ''}`).join('\n')}\n\nPick one with \`/use <name>\`.`
            : 'No agents yet: create one in the Agent Threads view.',
        );
        return { choice: session };
      case 'newThread':
        if (!intent.prompt) {
          sink.markdown('Your next message starts a new thread.');
          return { choice: { agentId: session.agentId, threadId: null } };
        }
        return this.ask(intent.prompt, current ?? agents[0], null, sink, signal);
      case 'ask':
        return this.ask(intent.prompt, current ?? agents[0], session.threadId, sink, signal);
    }
  }

  private async ask(
    prompt: string,
    agent: Agent | undefined,
    threadId: string | null,
    sink: ChatSink,
    signal: AbortSignal,
  ): Promise<ChatExchangeResult> {
    if (!agent) {
      sink.markdown('No agents yet: create one in the Agent Threads view, then ask again.');
      return { choice: { agentId: null, threadId: null } };
    }
    if (!prompt) {
      sink.markdown(`Ask **${agent.name}** something.`);
      return { choice: { agentId: agent.id, threadId } };
    }
    // A thread deleted since the last exchange (or from another agent's session) is replaced by a new one.
    const existing = threadId ? await this.services.threads.get(threadId).catch(() => undefined) : undefined;
    const thread = existing ?? (await this.services.threads.create({ agent_id: agent.id, metadata: { source: CHAT_THREAD_SOURCE } }));
    const choice = { agentId: agent.id, threadId: thread.id };
    await this.services.threads.appendMessage(thread.id, { role: 'user', content: [{ type: 'text', text: { value: prompt } }] });
    if (signal.aborted) return { choice, status: 'cancelled' };

    const ended = new RunFollower(thread.id, sink);
    const subscription = this.services.runs.onEvent((event) => ended.observe(event));
    try {
      const run = await this.services.runs.createRun(thread.id, agent.id);
      ended.follow(run.id);
      const cancel = (): void => void this.services.runs.cancelRun(thread.id, run.id).catch(() => undefined); // already ended
      signal.addEventListener('abort', cancel, { once: true });
      if (signal.aborted) cancel();
      const last = await ended.done;
      signal.removeEventListener('abort', cancel);
      sink.openThread(thread.id, 'Open the thread');
      return { choice, runId: run.id, status: last.status, error: endNote(last) };
    } catch (error) {
      return { choice, error: errorMessage(error) };
    } finally {
      subscription.dispose();
    }
  }
}

const TERMINAL_EVENTS = new Set<RunLifecycleEventName>([
  'thread.run.completed',
  'thread.run.incomplete',
  'thread.run.failed',
  'thread.run.cancelled',
  'thread.run.expired',
]);

/** Turns one run's events into sink calls and resolves when the run ends. Events before `follow` are kept. */
class RunFollower {
  readonly done: Promise<Run>;
  private resolve!: (run: Run) => void;
  private runId: string | undefined;
  private readonly early: RunEngineEvent[] = [];
  private readonly announcedCalls = new Set<string>();

  constructor(
    private readonly threadId: string,
    private readonly sink: ChatSink,
  ) {
    this.done = new Promise((resolve) => (this.resolve = resolve));
  }

  observe(event: RunEngineEvent): void {
    if (event.thread_id !== this.threadId) return;
    if (this.runId === undefined) this.early.push(event);
    else if (event.run_id === this.runId) this.apply(event);
  }

  follow(runId: string): void {
    this.runId = runId;
    for (const event of this.early.splice(0)) if (event.run_id === runId) this.apply(event);
  }

  private apply(event: RunEngineEvent): void {
    if (isMessageDeltaEvent(event)) {
      for (const part of event.data.delta.content ?? []) if (part.type === 'text' && part.text?.value) this.sink.markdown(part.text.value);
    } else if (isRunStepEvent(event)) {
      const step = event.data;
      for (const call of step.step_details?.type === 'tool_calls' ? (step.step_details.tool_calls ?? []) : []) {
        if (this.announcedCalls.has(call.id)) continue;
        this.announcedCalls.add(call.id);
        this.sink.progress(`Calling tool ${call.function.name}…`);
      }
    } else if (event.event === 'thread.run.requires_action') {
      const action = event.data.required_action;
      if (action?.type === 'budget_exceeded') {
        this.sink.progress(`Paused at a budget: continue or stop it in the thread.`);
        this.sink.openThread(this.threadId, 'Open the thread');
        return;
      }
      const names = waitingToolCalls(action).map((call) => call.function.name);
      this.sink.progress(`Waiting for your approval of ${names.join(', ')}: approve it in the thread.`);
      this.sink.openThread(this.threadId, 'Open the thread to approve');
    } else if (isRunLifecycleEvent(event) && TERMINAL_EVENTS.has(event.event)) {
      this.resolve(event.data);
    }
  }
}

/** The error a chat shows when a run ended without a full answer; undefined when it completed or was cancelled. */
function endNote(run: Run): string | undefined {
  switch (run.status) {
    case 'failed':
      return run.last_error?.message ?? 'The run failed.';
    case 'incomplete':
      return `The answer is incomplete (${run.incomplete_details?.reason ?? 'unknown reason'}).`;
    case 'expired':
      return 'The run expired while it waited for tool approval.';
    default:
      return undefined;
  }
}
