import * as vscode from 'vscode';
import {
  isMessageDeltaEvent,
  isMessageEvent,
  isRunStepEvent,
  waitingToolCalls,
  type Run,
  type RunEvent,
  type RunStep,
  type Thread,
} from '../../core/domain';
import { warmUpTokenizer } from '../../core/model';
import type { AgentRepository, RunService, ThreadRepository } from '../../core/backend';
import type { WebviewKind } from '../../protocol/ipc';
import {
  isThreadViewMessage,
  type HostToThreadView,
  type RunView,
  type ThreadViewRequests,
  type ThreadViewToHost,
  type UsageView,
} from '../../protocol/threadView';
import { adjacentPage, type MessageReveal, newestPage, pageAround } from './messagePages';
import { pastRunsOf } from './pastRuns';
import { errorMessage, userFacingError } from '../shared/errors';
import { userMessageContent } from './messageInput';
import { toAgentOption, toMessageView, toMessageVersionsView, toRunView, toThreadView } from './viewModels';
import type { ToolCallPreviews } from '../tools/toolDiffPreview';
import type { FileChangeRecorder } from '../tools';
import { replier } from './webviewReplies';
import { PendingDiffs } from './pendingDiffs';
import { type RunChangeSource, RunChangeCounts } from './runChangeCounts';
import { applyCodeBlock } from './applyToFile';
import { attachableUris, handleWorkspaceIntent, pickAttachments } from './workspaceIntents';
import { CommandId } from '../shared/commandIds';
import { DisposableStore } from '../../core/util/disposableStore';
import { FORK_KIND_KEY, editAndResend, messageVersions, retryFromAnswer } from '../../core/fork';
import { findWorkspaceFiles } from './workspaceFileSearch';
import type { UsageLedger } from '../../core/budgets';
import { toUsageView } from './usageText';

/** The commands behind a run footer's checkpoint actions; any other action a webview names is ignored. */
const CHECKPOINT_COMMANDS: ReadonlyMap<string, string> = new Map([
  ['undo', CommandId.undoRunChanges],
  ['changesSince', CommandId.reviewChangesSince],
  ['restore', CommandId.restoreCheckpoint],
]);

let tokenizerWarmedUp = false;
/**
 * Someone started typing: load the tokenizer now, off the path of their first message. Not when a view opens:
 * loading its tables is one long task of the extension host (about half a second), which must not land in the
 * first seconds after activation, and a person typing does not feel it (the webview runs elsewhere).
 */
function warmUpTokenizerOnce(): void {
  if (tokenizerWarmedUp) return;
  tokenizerWarmedUp = true;
  warmUpTokenizer();
}

export interface SessionServices {
  agents: AgentRepository;
  threads: ThreadRepository;
  runs: RunService;
  log: vscode.LogOutputChannel;
  /** Shown in the webview when storage fell back to global storage (no folder open). */
  storageNotice: string | null;
  /** Previews (one-line account, diff) of tool calls waiting for approval. */
  toolPreviews?: ToolCallPreviews;
  /** What each run changed in the workspace's files (the change sets), for "N files changed" under its answer. */
  changeSets?: RunChangeSource & FileChangeRecorder;
  /** The usage ledger: the thread's tokens and cost in the header, updated after each model call. */
  usage?: Pick<UsageLedger, 'threadTotals' | 'load' | 'onDidChange'>;
}

/**
 * Connects one webview to one thread: answers its intents, pages messages to it, and forwards store and run events
 * for that thread. The sidebar chat and every thread panel each own one session.
 */
export class ThreadSession implements vscode.Disposable {
  private readonly subscriptions = new DisposableStore();
  private readonly steps = new Map<string, RunStep>();
  /** Finished runs of this thread already sent for their footers (`pastRuns`); a page that shows them again needs none. */
  private readonly runsWithFooters = new Set<string>();
  private readonly streamingMessages = new Set<string>();
  private run: Run | null = null;
  /** The agent the next run goes to: picked in the composer, else the agent of the thread's latest run. */
  private selectedAgentId: string | null = null;
  /** The thread `selectedAgentId` was chosen for; another thread chooses again (null: a new conversation). */
  private agentChosenFor: string | null | undefined;
  /** A message to show when the webview (still loading) asks for its first page. */
  private pendingReveal: MessageReveal | undefined;
  /** This thread is a retry or an edit whose new version is not written yet: its first new message brings the arrows. */
  private awaitingVersion = false;
  private initInFlight: Promise<void> | undefined;
  private initAgain = false;
  /** Short diffs of pending file changes, for the inline approval cards. */
  private readonly pendingDiffs: PendingDiffs;
  private readonly changeCounts: RunChangeCounts;
  /** The header's usage as last sent, so a model call in another thread sends nothing here. */
  private shownUsage: string | undefined;

  constructor(
    private readonly webview: vscode.Webview,
    private readonly services: SessionServices,
    private readonly extensionVersion: string,
    readonly kind: WebviewKind,
    private threadId: string | null,
    private readonly onThreadChanged: (threadId: string | null) => void = () => undefined,
  ) {
    const { threads, agents, runs } = services;
    this.changeCounts = new RunChangeCounts(
      services.changeSets,
      (runId) => {
        if (this.run?.id === runId) this.postRun();
      },
      (message) => services.log.warn(message),
    );
    this.pendingDiffs = new PendingDiffs(
      services.toolPreviews,
      (runId) => {
        if (this.run?.id === runId) this.postRun();
      },
      (message) => services.log.warn(message),
    );
    this.subscriptions.add(
      webview.onDidReceiveMessage((message: unknown) => {
        // handle() logs and shows its own errors.
        if (isThreadViewMessage(message)) void this.handle(message);
        else services.log.warn('A webview sent a message the host does not understand; ignored.');
      }),
    );
    this.subscriptions.add(
      threads.onDidAppendMessage(({ threadId, messages }) => {
        if (threadId !== this.threadId) return;
        for (const message of messages) this.post({ type: 'messageAdded', message: toMessageView(message) });
        if (this.awaitingVersion) this.refresh(this.sendVersions());
      }),
    );
    this.subscriptions.add(
      threads.onDidUpdateMessage(({ threadId, message }) => {
        if (threadId === this.threadId) this.post({ type: 'messageUpdated', message: toMessageView(message) });
      }),
    );
    this.subscriptions.add(
      threads.onDidChangeThreads(({ threadId, type, removedMessageIds }) => {
        if (threadId !== this.threadId) return;
        if (type === 'deleted') this.refresh(this.showThread(null));
        // A deleted message (through the local API) leaves the view: the newest page is drawn again without it.
        else if (removedMessageIds?.length) this.refresh(this.sendInit().then(() => this.sendNewestPage()));
        else this.initSoon();
      }),
    );
    this.subscriptions.add(agents.onDidChangeAgents(() => this.refresh(this.sendInit())));
    // Trusting the folder lifts Restricted Mode at once; the banner goes with it.
    this.subscriptions.add(vscode.workspace.onDidGrantWorkspaceTrust(() => this.refresh(this.sendInit())));
    this.subscriptions.add(runs.onEvent((event) => this.onRunEvent(event)));
    const usage = services.usage;
    if (usage) {
      this.subscriptions.add(usage.onDidChange(() => this.postUsage()));
      // The ledger is read in the background at activation; the header shows the figures once it is.
      this.refresh(usage.load().then(() => this.postUsage()));
    }
  }

  /** The thread's usage for the header, null before its first model call (or without a ledger). */
  private usageView(): UsageView | null {
    return this.threadId && this.services.usage ? toUsageView(this.services.usage.threadTotals(this.threadId)) : null;
  }

  /** Sends the header's usage when it changed: a map lookup per recorded model call, in any thread. */
  private postUsage(): void {
    const usage = this.usageView();
    const shown = JSON.stringify(usage);
    if (shown === this.shownUsage) return;
    this.shownUsage = shown;
    this.post({ type: 'usage', usage });
  }

  get currentThreadId(): string | null {
    return this.threadId;
  }

  /** Switches the webview to another thread (or to none, for a new conversation). */
  async showThread(threadId: string | null): Promise<void> {
    this.threadId = threadId;
    this.steps.clear();
    this.runsWithFooters.clear();
    this.run = threadId ? (this.services.runs.activeRun(threadId) ?? (await this.latestRun(threadId))) : null;
    if (threadId && threadId !== this.agentChosenFor) await this.chooseAgentOf(threadId);
    this.onThreadChanged(threadId);
    await this.sendInit();
    const reveal = this.pendingReveal;
    this.pendingReveal = undefined;
    if (reveal) await this.sendPageAround(reveal);
    else await this.sendNewestPage();
    // After the page, not before it: finding the versions reads the thread list, which the first paint need not wait for.
    this.refresh(this.sendVersions());
  }

  /** Tells the view which of this thread's messages have other versions (Retry, Edit and Resend), with their neighbours. */
  private async sendVersions(): Promise<void> {
    const threadId = this.threadId;
    this.awaitingVersion = false;
    if (!threadId) return this.post({ type: 'versions', versions: [] });
    const [thread, versions] = await Promise.all([this.services.threads.get(threadId), messageVersions(this.services.threads, threadId)]);
    if (threadId !== this.threadId) return; // the view moved on meanwhile
    this.awaitingVersion =
      thread.metadata?.[FORK_KIND_KEY] !== undefined && !versions.some((v) => v.index > 0 && v.versions[v.index].threadId === threadId);
    this.post({ type: 'versions', versions: versions.map(toMessageVersionsView) });
  }

  /** Shows another version of a message: in this view for the chat, in its own panel for a thread panel. */
  private async openVersion(threadId: string, messageId: string): Promise<void> {
    const reveal = messageId ? { messageId, query: '' } : undefined;
    if (threadId === this.threadId) {
      if (reveal) await this.sendPageAround(reveal);
      return;
    }
    if (this.kind !== 'chat') return void (await vscode.commands.executeCommand(CommandId.openThread, threadId, reveal));
    this.pendingReveal = reveal;
    await this.showThread(threadId);
  }

  /**
   * Shows the thread around a message, scrolled to it and marked: now when the webview is `live`, else when it has
   * loaded (a panel that was hidden loads again as it comes back).
   */
  async revealMessage(reveal: MessageReveal, live: boolean): Promise<void> {
    if (!live) {
      this.pendingReveal = reveal;
      return;
    }
    try {
      await this.sendPageAround(reveal);
    } catch (error) {
      this.services.log.error(`Could not show message ${reveal.messageId}: ${errorMessage(error)}`);
      this.post({ type: 'notice', level: 'error', text: userFacingError(error).text });
    }
  }

  /**
   * Preselects the agent that answered last (a thread does not belong to an agent; each run does), else the agent
   * the thread was started with. Not when the view merely reloads: a pick not yet sent stays.
   */
  private async chooseAgentOf(threadId: string): Promise<void> {
    const thread = this.run ? null : await this.services.threads.get(threadId).catch(() => null);
    this.selectedAgentId = this.run?.assistant_id ?? thread?.agent_id ?? this.selectedAgentId;
    this.agentChosenFor = threadId;
  }

  private async latestRun(threadId: string): Promise<Run | null> {
    try {
      const runs = await this.services.threads.listRuns(threadId);
      const latest = runs.reduce<Run | null>((newest, run) => (!newest || run.created_at >= newest.created_at ? run : newest), null);
      if (latest) for (const step of await this.services.threads.listRunSteps(threadId, latest.id)) this.steps.set(step.id, step);
      return latest;
    } catch (error) {
      this.services.log.warn(`Could not read the runs of ${threadId}: ${errorMessage(error)}`);
      return null;
    }
  }

  private readonly reply = replier<ThreadViewRequests>((reply) => this.post(reply));

  private async handle(message: ThreadViewToHost): Promise<void> {
    try {
      switch (message.type) {
        case 'ready':
          return await this.showThread(this.threadId);
        case 'ping':
          return await this.reply(message, () => ({ extensionVersion: this.extensionVersion }));
        case 'pickAttachments':
          return await this.reply(message, async () => ({ paths: await pickAttachments() }));
        case 'attachUris':
          return await this.reply(message, () => ({ paths: attachableUris(message.uris, (notice) => this.post(notice)) }));
        case 'findFiles':
          return await this.reply(message, async () => ({ paths: await findWorkspaceFiles(message.query) }));
        case 'composing':
          return warmUpTokenizerOnce();
        case 'send':
          return await this.send(message.text, message.attachments);
        case 'cancelRun':
          if (this.threadId && this.run) await this.services.runs.cancelRun(this.threadId, this.run.id);
          return;
        case 'retryRun':
          return await this.startRun();
        case 'loadOlder':
          return await this.sendAdjacentPage('older', message.beforeId);
        case 'loadNewer':
          return await this.sendAdjacentPage('newer', message.afterId);
        case 'loadNewest':
          return await this.sendNewestPage();
        case 'decideToolCall':
          if (!this.threadId) return;
          await this.services.runs.submitToolApprovals(this.threadId, message.runId, [
            { tool_call_id: message.toolCallId, approve: message.approve, alwaysForThread: message.alwaysForThread },
          ]);
          return;
        case 'decideBudget':
          if (!this.threadId || (message.decision !== 'continue' && message.decision !== 'stop')) return;
          await this.services.runs.decideBudget?.(this.threadId, message.runId, message.decision);
          return;
        case 'showRunDetails':
          if (this.threadId) {
            // A thread panel keeps its conversation in view with the details beside it; the sidebar chat has the editor area free.
            await vscode.commands.executeCommand(
              CommandId.showRunDetails,
              this.threadId,
              message.runId,
              this.kind === 'thread' ? 'beside' : 'active',
            );
          }
          return;
        case 'reviewRunChanges':
          if (this.threadId) await vscode.commands.executeCommand(CommandId.reviewRunChanges, this.threadId, message.runId);
          return;
        case 'checkpointAction': {
          const command = CHECKPOINT_COMMANDS.get(message.action);
          if (!this.threadId || !command) return;
          if (message.action !== 'changesSince' && !vscode.workspace.isTrusted) {
            void vscode.window.showWarningMessage(vscode.l10n.t('Restricted Mode: files cannot be put back until you trust this folder.'));
            return;
          }
          await vscode.commands.executeCommand(command, this.threadId, message.runId);
          return;
        }
        case 'showToolDiff': {
          const call =
            this.run?.id === message.runId
              ? waitingToolCalls(this.run.required_action).find((c) => c.id === message.toolCallId)
              : undefined;
          if (call) await this.services.toolPreviews?.showDiff(call.function.name, call.function.arguments);
          return;
        }
        case 'selectAgent':
          // The pick decides the next run only: the thread stays where it is in the tree, with the agent it began with.
          this.selectedAgentId = message.agentId;
          this.agentChosenFor = this.threadId;
          return;
        case 'newThread':
          return await this.showThread(null);
        case 'forkFromMessage':
          if (this.threadId) await vscode.commands.executeCommand(CommandId.forkThread, this.threadId, message.messageId);
          return;
        case 'retryFromMessage':
          if (this.threadId)
            await this.continueInNewThread((await retryFromAnswer(this.services.threads, this.threadId, message.messageId)).thread);
          return;
        case 'editAndResend':
          if (this.threadId)
            await this.continueInNewThread(
              (await editAndResend(this.services.threads, this.threadId, message.messageId, message.text)).thread,
            );
          return;
        case 'applyCode':
          return await applyCodeBlock(
            message.code,
            message.info,
            this.threadId && this.services.changeSets ? { threadId: this.threadId, recorder: this.services.changeSets } : undefined,
          );
        case 'openVersion':
          return await this.openVersion(message.threadId, message.messageId);
        case 'revealMessage':
          return this.threadId ? await this.sendPageAround({ messageId: message.messageId, query: '' }) : undefined;
        case 'regenerateSummary':
          return this.threadId
            ? void (await vscode.commands.executeCommand(CommandId.compactThread, this.threadId, message.messageId))
            : undefined;
        case 'pickThread':
          return void (await vscode.commands.executeCommand(CommandId.openThreadInChat));
        default:
          return await handleWorkspaceIntent(message, (reply) => this.post(reply));
      }
    } catch (error) {
      const shown = userFacingError(error);
      this.services.log.error(`${message.type} failed: ${errorMessage(error)}`);
      this.post({ type: 'notice', level: 'error', text: shown.text, command: shown.command });
    }
  }

  /** Puts text into the composer for the user to finish and send. */
  prefill(text: string): void {
    this.post({ type: 'prefill', text });
  }

  /** Sends a message as if typed in the composer (used by "Ask Agent about Selection"). */
  async send(text: string, attachments: string[]): Promise<void> {
    const agentId = await this.agentForSending();
    if (!agentId) {
      this.post({
        type: 'notice',
        level: 'error',
        text: 'Create an agent first: it decides which model answers.',
        command: { title: vscode.l10n.t('Create Agent'), id: CommandId.createAgent },
      });
      return;
    }
    if (!this.threadId) {
      const thread = await this.services.threads.create({ agent_id: agentId });
      await this.showThread(thread.id);
    }
    try {
      await this.services.threads.appendMessage(this.threadId!, { role: 'user', content: userMessageContent(text, attachments) });
    } catch (error) {
      // The composer cleared itself on send; the message was not stored (disk full, folder gone): give it back.
      this.prefill(text);
      throw error;
    }
    await this.startRun(agentId);
  }

  /**
   * Retry and Edit and Resend branch: the conversation goes on in `thread` (a fork), answered by the agent picked
   * here, and the thread it came from keeps every message. The sidebar chat follows into the new thread, as a chat
   * shows one conversation; a thread panel belongs to its thread, so the new one opens in a panel of its own.
   */
  private async continueInNewThread(thread: Thread): Promise<void> {
    const agentId = await this.agentForSending();
    if (this.kind === 'chat') {
      // The picker keeps the agent picked here rather than choosing the new thread's own.
      this.agentChosenFor = thread.id;
      await this.showThread(thread.id);
      if (agentId) await this.startRun(agentId);
      return;
    }
    await vscode.commands.executeCommand(CommandId.openThread, thread.id);
    if (agentId) await this.services.runs.createRun(thread.id, agentId);
  }

  private async startRun(agentId?: string): Promise<void> {
    if (!this.threadId) return;
    const agent = agentId ?? (await this.agentForSending());
    if (!agent) return;
    this.run = await this.services.runs.createRun(this.threadId, agent);
    this.steps.clear();
    this.postRun();
  }

  /** The agent chosen in the composer (or of the latest run), else the thread's own, else the first one. */
  private async agentForSending(): Promise<string | null> {
    if (this.selectedAgentId) return this.selectedAgentId;
    if (this.threadId) {
      const thread = await this.services.threads.get(this.threadId);
      if (thread.agent_id) return thread.agent_id;
    }
    const agents = await this.services.agents.list();
    return agents[0]?.id ?? null;
  }

  private onRunEvent(event: RunEvent): void {
    if (!this.threadId) return;
    if (isMessageDeltaEvent(event)) {
      if (!this.streamingMessages.has(event.data.id)) return;
      const text = (event.data.delta.content ?? []).map((part) => (part.type === 'text' && part.text ? part.text.value : '')).join('');
      if (text) this.post({ type: 'messageDelta', messageId: event.data.id, text });
      const reasoning = event.data.delta.reasoning;
      if (reasoning?.value) {
        this.post({ type: 'reasoningDelta', messageId: event.data.id, summaryIndex: reasoning.summary_index, text: reasoning.value });
      }
      return;
    }
    if (event.event === 'thread.run.step.delta') return;
    if (event.data.thread_id !== this.threadId) return;
    if (isMessageEvent(event)) {
      const message = event.data;
      if (message.status === 'in_progress') this.streamingMessages.add(message.id);
      else this.streamingMessages.delete(message.id);
      // A full message replaces what the webview shows: after a retried model call it starts again from empty.
      this.post({ type: 'messageUpdated', message: toMessageView(message) });
    } else if (isRunStepEvent(event)) {
      const step = event.data;
      this.steps.set(step.id, step);
      this.postRun();
    } else {
      const run = event.data;
      if (this.run?.id !== run.id) this.steps.clear();
      this.run = run;
      this.postRun();
    }
  }

  private postRun(): void {
    if (!this.run) return;
    const steps = [...this.steps.values()].filter((step) => step.run_id === this.run!.id);
    this.post({ type: 'run', run: this.runView(this.run, steps) });
    this.pendingDiffs.request(this.run);
  }

  /** The run as the webview shows it, with what it changed once that is known (counted once it finished). */
  private runView(run: Run, steps: RunStep[]): RunView {
    const view = toRunView(run, steps, this.services.toolPreviews, this.pendingDiffs.known);
    const changed = this.changeCounts.of(run.id);
    if (changed) view.changedFiles = changed;
    else this.changeCounts.request(this.threadId, run);
    return view;
  }

  /**
   * Sends the header again after a change to the thread. A send changes the thread several times within
   * milliseconds (the message, the run, the title, the last activity): one init in flight at a time, and one more
   * after it if anything changed meanwhile, so the webview is not busy redrawing when the answer's first words come.
   */
  private initSoon(): void {
    if (this.initInFlight) {
      this.initAgain = true;
      return;
    }
    this.initInFlight = this.sendInit().finally(() => {
      this.initInFlight = undefined;
      if (!this.initAgain) return;
      this.initAgain = false;
      this.initSoon();
    });
    this.refresh(this.initInFlight);
  }

  private async sendInit(): Promise<void> {
    const { threads, agents } = this.services;
    const threadId = this.threadId;
    const thread = threadId ? await threads.get(threadId).catch(() => null) : null;
    const agentList = await agents.list();
    if (threadId !== this.threadId) return; // the view moved on meanwhile; its own init follows
    // An agent deleted since it was picked gives way to the first: the next run goes to the agent the picker shows.
    const selected =
      this.selectedAgentId && agentList.some((a) => a.id === this.selectedAgentId) ? this.selectedAgentId : (agentList[0]?.id ?? null);
    this.selectedAgentId = selected;
    const usage = this.usageView();
    this.shownUsage = JSON.stringify(usage);
    this.post({
      type: 'init',
      thread: thread ? toThreadView(thread) : null,
      agents: agentList.map(toAgentOption),
      selectedAgentId: selected,
      run: this.run ? this.runView(this.run, [...this.steps.values()]) : null,
      notice: this.services.storageNotice,
      restrictedMode: !vscode.workspace.isTrusted,
      usage,
    });
    if (this.run) this.pendingDiffs.request(this.run);
  }

  private async sendNewestPage(): Promise<void> {
    this.sendPage(await newestPage(this.services.threads, this.threadId));
  }

  private async sendAdjacentPage(position: 'older' | 'newer', cursor: string): Promise<void> {
    if (this.threadId) this.sendPage(await adjacentPage(this.services.threads, this.threadId, position, cursor));
  }

  private async sendPageAround(reveal: MessageReveal): Promise<void> {
    if (!this.threadId) return;
    const page = await pageAround(this.services.threads, this.threadId, reveal);
    if (page) return this.sendPage(page);
    await this.sendNewestPage();
    this.post({ type: 'notice', level: 'info', text: vscode.l10n.t('The message found is no longer in this thread.') });
  }

  /** Posts a page, then (after it, so the first paint does not wait) the finished runs behind its answers, for their footers. */
  private sendPage(page: Extract<HostToThreadView, { type: 'page' }>): void {
    this.post(page);
    const threadId = this.threadId;
    if (!threadId) return;
    const known = new Set(this.runsWithFooters);
    if (this.run) known.add(this.run.id);
    this.refresh(
      pastRunsOf(this.services.threads, threadId, page.messages, known).then((found) => {
        if (threadId !== this.threadId || found.length === 0) return; // the view moved on meanwhile
        for (const { run } of found) this.runsWithFooters.add(run.id);
        this.post({ type: 'pastRuns', runs: found.map(({ run, steps }) => this.runView(run, steps)) });
      }),
    );
  }

  /** Redraws in the background after an event; reading the agents can fail (Foundry is remote), so it is logged. */
  private refresh(redraw: Promise<void>): void {
    redraw.catch((error: unknown) => this.services.log.warn(`Could not refresh the thread view: ${errorMessage(error)}`));
  }

  private post(message: HostToThreadView): void {
    // Fire-and-forget: a closed webview answers false, and a reopened one asks for everything again with 'ready'.
    void this.webview.postMessage(message);
  }

  dispose(): void {
    this.subscriptions.dispose();
  }
}
