import * as vscode from 'vscode';
import type { AgentFileError, FileAgentSource } from '../../core/agentFiles';
import { isFileAgent } from '../../core/agentFiles';
import { UNTITLED_THREAD_TITLE, type Agent, type RunStatus, type Thread } from '../../core/domain';
import { PINNED_AGENT_VERSION_KEY, type AgentRepository, type ThreadRepository } from '../../core/backend';
import { visibleBidiControls } from '../../core/domain/displayText';
import { relativeTime } from './relativeTime';
import { CommandId } from '../shared/commandIds';
import { DisposableStore } from '../../core/util/disposableStore';
import { errorMessage } from '../shared/errors';
import type { UsageLedger } from '../../core/budgets';
import { usageSummary } from './usageText';

/** A node of the Agents tree: an agent, or one of its threads. */
export type AgentsTreeNode =
  | { kind: 'agent'; agent: Agent }
  | { kind: 'thread'; thread: Thread; agent: Agent | undefined }
  /** "Versions" under an agent whose backend keeps every saved version (Foundry's new agents), collapsed. */
  | { kind: 'agentVersions'; agent: Agent }
  /** One saved version of an agent: viewed, compared or run from its context menu. */
  | { kind: 'agentVersion'; agent: Agent; version: Agent }
  /** Threads whose agent was deleted: kept, and still openable. */
  | { kind: 'orphans'; threads: Thread[] }
  /** An agent file in .agents/ that could not be loaded, with the problem. */
  | { kind: 'agentFileProblem'; problem: AgentFileError }
  /** "Found N threads of this project from another workspace", above everything, with what to do about it below. */
  | { kind: 'foundThreads'; offer: FoundThreadsNotice }
  | { kind: 'foundThreadsAction'; action: 'merge' | 'browse' | 'ignore' };

/** What the tree says about threads of this project found in another workspace's store. */
export interface FoundThreadsNotice {
  missing: number;
  /** The other workspace's name. */
  label: string;
  path: string;
}

/** What the tree shows about a thread's latest run, kept up to date from run events. */
export interface RunSummary {
  status: RunStatus;
  lastError?: string;
}

/**
 * The tree of agents and their threads (newest activity first). It refreshes from store and run events, never by
 * polling, and is empty until agents exist so the view's welcome content shows.
 */
/** How long the tree waits after a change to the store before it redraws, gathering the changes that follow. */
const TREE_REFRESH_DELAY_MS = 150;

export class AgentsTreeProvider implements vscode.TreeDataProvider<AgentsTreeNode>, vscode.Disposable {
  static readonly viewId = 'agentThreads.agents';
  private readonly changed = new vscode.EventEmitter<AgentsTreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly runs = new Map<string, RunSummary>();
  /**
   * One node object per tree item id. VS Code's tree view keys elements by identity as well as by id: a reveal
   * whose getParent hands back a new object for an id already shown fails with "Element with id … is already
   * registered". Later reads update the known object in place instead.
   */
  private readonly nodes = new Map<string, AgentsTreeNode>();
  private readonly subscriptions = new DisposableStore();
  /** When set, only these threads (and the agents that have some) are shown. */
  private threadFilter: ReadonlySet<string> | undefined;
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;
  /** The nodes VS Code has read the items of since the last redraw, and who waits for one (see whenDrawn). */
  private drawn = new WeakSet<AgentsTreeNode>();
  private readonly drawWaiters = new Map<AgentsTreeNode, (() => void)[]>();
  private foundThreads: FoundThreadsNotice | undefined;

  constructor(
    /** Every agent the current backend runs (for local storage, `.agents/` files included). */
    private readonly agents: AgentRepository,
    private readonly threads: ThreadRepository,
    private readonly log: vscode.LogOutputChannel,
    /** Problems of `.agents/` files, shown while the local backend (which reads those files) is in use. */
    private readonly fileAgents?: FileAgentSource,
    private readonly workspaceFolder?: vscode.Uri,
    private readonly usesLocalBackend: () => boolean = () => true,
    /**
     * What the model calls of each thread and agent used: the usage ledger's sums, the Usage view's figures. Tooltips
     * read them (a map lookup each) when the tree redraws, which a new record brings about.
     */
    private readonly usage?: Pick<UsageLedger, 'threadTotals' | 'agentTotals' | 'agentDayTotals' | 'onDidChange'>,
    /** Whether the backend keeps every saved version of an agent (then the tree offers the older ones). */
    private readonly keepsAgentVersions: () => boolean = () => false,
  ) {
    if (usage) this.subscriptions.add(usage.onDidChange(() => this.refreshSoon()));
    if (fileAgents) this.subscriptions.add(fileAgents.onDidChange(() => this.refreshSoon()));
    this.subscriptions.add(agents.onDidChangeAgents(() => this.refreshSoon()));
    this.subscriptions.add(threads.onDidChangeThreads(() => this.refreshSoon()));
    this.subscriptions.add(threads.onDidAppendMessage(() => this.refreshSoon()));
    this.subscriptions.add(
      threads.onDidSaveRun(({ threadId, run }) => {
        const previous = this.runs.get(threadId);
        this.runs.set(threadId, { status: run.status, lastError: run.last_error?.message });
        if (previous?.status !== run.status) this.refreshSoon();
      }),
    );
    this.subscriptions.add(this.changed);
    this.subscriptions.add({ dispose: () => clearTimeout(this.refreshTimer) });
  }

  /** Redraws the whole tree now (after a user's action on it). */
  refresh(): void {
    clearTimeout(this.refreshTimer);
    this.refreshTimer = undefined;
    this.drawn = new WeakSet();
    this.changed.fire(undefined);
  }

  /**
   * Resolves once VS Code has drawn `node` since the last redraw (a redraw still waiting is done now), or after
   * `capMs` (a collapsed agent's threads are not drawn). VS Code 1.100 fails with "Element with id … is already
   * registered", shown as an error notification, when a reveal fetches a level of the tree that its own redraw is
   * fetching at the same moment; a reveal that waits for the redraw to reach its node fetches nothing.
   */
  async whenDrawn(node: AgentsTreeNode, capMs = 1000): Promise<void> {
    if (this.refreshTimer) this.refresh();
    if (this.drawn.has(node)) return;
    await new Promise<void>((resolve) => {
      const waiters = this.drawWaiters.get(node) ?? [];
      const drawn = () => {
        clearTimeout(cap);
        resolve();
      };
      const cap = setTimeout(() => {
        const left = (this.drawWaiters.get(node) ?? []).filter((waiter) => waiter !== drawn);
        if (left.length) this.drawWaiters.set(node, left);
        else this.drawWaiters.delete(node);
        resolve();
      }, capMs);
      waiters.push(drawn);
      this.drawWaiters.set(node, waiters);
    });
  }

  /**
   * Redraws the tree a moment after the store changed, once for every change meanwhile. A send changes the store a
   * dozen times within a second (the message, the run's states, the answer, the title); each full redraw crosses to
   * the workbench and competes there with the answer's first words on their way to the chat.
   */
  private refreshSoon(): void {
    this.refreshTimer ??= setTimeout(() => this.refresh(), TREE_REFRESH_DELAY_MS);
  }

  /** Shows (or, with undefined, removes) the notice of threads of this project found in another workspace. */
  setFoundThreads(notice: FoundThreadsNotice | undefined): void {
    this.foundThreads = notice;
    this.refresh();
  }

  /** Shows only the given threads (a search filter), or everything again with undefined. */
  setThreadFilter(threadIds: ReadonlySet<string> | undefined): void {
    this.threadFilter = threadIds;
    this.refresh();
  }

  /** A thread's tooltip, when it is hovered: what it is, its latest run, and what its model calls used (the ledger's sums). */
  resolveTreeItem(item: vscode.TreeItem, node: AgentsTreeNode): vscode.TreeItem {
    if (node.kind === 'thread') item.tooltip = this.threadTooltip(node.thread, node.agent);
    return item;
  }

  private threadTooltip(thread: Thread, agent: Agent | undefined): string {
    const run = this.runs.get(thread.id);
    const messages = `${thread.message_count} message${thread.message_count === 1 ? '' : 's'}`;
    const tooltip = [
      visibleBidiControls(thread.title) || UNTITLED_THREAD_TITLE,
      messages,
      agent ? `Model: ${agent.model.profile} / ${agent.model.name}` : 'No agent',
    ];
    const pinned = thread.metadata?.[PINNED_AGENT_VERSION_KEY];
    if (pinned) tooltip.push(vscode.l10n.t('Runs on version {0} of its agent', pinned));
    if (run) tooltip.push(`Last run: ${run.status}`);
    if (run?.lastError) tooltip.push(`Last error: ${run.lastError}`);
    const used = this.usage && usageSummary(this.usage.threadTotals(thread.id));
    if (used) tooltip.push(vscode.l10n.t('Used: {0}', used));
    return tooltip.join('\n');
  }

  getTreeItem(node: AgentsTreeNode): vscode.TreeItem {
    this.drawn.add(node);
    const waiters = this.drawWaiters.get(node);
    if (waiters) {
      this.drawWaiters.delete(node);
      // VS Code registers the items it read once all of that level's are in: just after this task.
      setImmediate(() => waiters.forEach((resolve) => resolve()));
    }
    switch (node.kind) {
      case 'agent':
        return this.agentItem(node.agent);
      case 'thread':
        return this.threadItem(node.thread);
      case 'agentVersions': {
        const item = new vscode.TreeItem(vscode.l10n.t('Versions'), vscode.TreeItemCollapsibleState.Collapsed);
        item.id = `versions:${node.agent.id}`;
        item.contextValue = 'agentVersions';
        item.iconPath = new vscode.ThemeIcon('versions');
        item.description = String(node.agent.version);
        // No hover: it would sit over the version rows this row just unfolded, where the pointer goes next.
        return item;
      }
      case 'agentVersion':
        return this.versionItem(node.agent, node.version);
      case 'orphans': {
        const item = new vscode.TreeItem(vscode.l10n.t('Threads without an agent'), vscode.TreeItemCollapsibleState.Collapsed);
        item.id = 'orphans';
        item.iconPath = new vscode.ThemeIcon('archive');
        item.description = String(node.threads.length);
        item.tooltip = vscode.l10n.t('Their agent was deleted. Open one and pick another agent in its composer to continue.');
        return item;
      }
      case 'foundThreads': {
        // The sentence itself is the view's message above the tree, which wraps at any width; this row names the store.
        const item = new vscode.TreeItem(node.offer.label, vscode.TreeItemCollapsibleState.Expanded);
        item.id = 'foundThreads';
        item.iconPath = new vscode.ThemeIcon('history', new vscode.ThemeColor('notificationsInfoIcon.foreground'));
        item.description = vscode.l10n.t('{0} threads', node.offer.missing);
        item.tooltip = `${foundThreadsText(node.offer.missing)}\n${node.offer.path}`;
        return item;
      }
      case 'foundThreadsAction':
        return foundThreadsAction(node.action);
      case 'agentFileProblem': {
        const item = new vscode.TreeItem(node.problem.file, vscode.TreeItemCollapsibleState.None);
        item.id = `problem:${node.problem.file}`;
        item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('list.errorForeground'));
        item.description = node.problem.message.slice(node.problem.file.length + 2);
        item.tooltip = node.problem.message;
        if (this.workspaceFolder)
          item.command = {
            command: 'vscode.open',
            title: vscode.l10n.t('Open Agent File'),
            arguments: [vscode.Uri.joinPath(this.workspaceFolder, node.problem.file)],
          };
        return item;
      }
    }
  }

  private agentItem(agent: Agent): vscode.TreeItem {
    const item = new vscode.TreeItem(visibleBidiControls(agent.name), vscode.TreeItemCollapsibleState.Expanded);
    item.id = agent.id;
    item.contextValue = 'agent';
    item.iconPath = new vscode.ThemeIcon('hubot');
    item.description = agent.model.name;
    if (isFileAgent(agent)) {
      // Read-only here: editing a file agent means editing its file, which a click opens.
      item.contextValue = 'agent.file';
      item.iconPath = new vscode.ThemeIcon('file-code');
      item.description = vscode.l10n.t('from file · {0}', agent.model.name);
      if (this.workspaceFolder)
        item.command = {
          command: 'vscode.open',
          title: vscode.l10n.t('Open Agent File'),
          arguments: [vscode.Uri.joinPath(this.workspaceFolder, agent.metadata.source_path)],
        };
    }
    item.tooltip = new vscode.MarkdownString(undefined, false);
    item.tooltip.appendText(
      vscode.l10n.t(
        '{0} (version {1})\nModel: {2} / {3}\nTools: {4}',
        visibleBidiControls(agent.name),
        agent.version,
        agent.model.profile,
        agent.model.name,
        agent.tools.map((t) => t.name).join(', ') || vscode.l10n.t('none'),
      ),
    );
    const allTime = this.usage && usageSummary(this.usage.agentTotals(agent.id));
    if (allTime) {
      const today = usageSummary(this.usage!.agentDayTotals(agent.id, Date.now() / 1000)) ?? vscode.l10n.t('nothing');
      item.tooltip.appendText(`\n${vscode.l10n.t('Used today: {0}', today)}\n${vscode.l10n.t('Used in total: {0}', allTime)}`);
    }
    return item;
  }

  private versionItem(agent: Agent, version: Agent): vscode.TreeItem {
    const latest = version.version === agent.version;
    const item = new vscode.TreeItem(vscode.l10n.t('Version {0}', version.version), vscode.TreeItemCollapsibleState.None);
    item.id = `version:${agent.id}:${version.version}`;
    item.contextValue = latest ? 'agentVersion.latest' : 'agentVersion';
    item.iconPath = new vscode.ThemeIcon(latest ? 'pass-filled' : 'circle-outline');
    const saved = relativeTime(version.updated_at || version.created_at);
    item.description = latest ? vscode.l10n.t('latest · {0}', saved) : saved;
    item.tooltip = vscode.l10n.t('{0}, version {1}\nModel: {2}', visibleBidiControls(agent.name), version.version, version.model.name);
    item.command = {
      command: CommandId.viewAgentVersion,
      title: vscode.l10n.t('View Agent Version'),
      arguments: [agent.id, version.version],
    };
    return item;
  }

  private threadItem(thread: Thread): vscode.TreeItem {
    const item = new vscode.TreeItem(visibleBidiControls(thread.title) || UNTITLED_THREAD_TITLE, vscode.TreeItemCollapsibleState.None);
    item.id = thread.id;
    const run = this.runs.get(thread.id);
    item.contextValue = run && isActive(run.status) ? 'thread.running' : 'thread';
    item.iconPath = statusIcon(run?.status);
    const messages = `${thread.message_count} message${thread.message_count === 1 ? '' : 's'}`;
    item.description = `${relativeTime(thread.last_activity_at)} · ${messages}`;
    // The tooltip is built on hover (resolveTreeItem): a redraw of many threads then formats nothing for it.
    item.command = { command: CommandId.openThread, title: vscode.l10n.t('Open Thread'), arguments: [thread.id] };
    return item;
  }

  async getChildren(node?: AgentsTreeNode): Promise<AgentsTreeNode[]> {
    try {
      if (!node) {
        const [agents, threads] = await Promise.all([this.agents.list(), this.visibleThreads()]);
        const agentIds = new Set(agents.map((a) => a.id));
        const orphans = threads.filter((t) => !t.agent_id || !agentIds.has(t.agent_id));
        const shown = this.threadFilter ? agents.filter((agent) => threads.some((t) => t.agent_id === agent.id)) : agents;
        const roots = shown.sort((a, b) => a.name.localeCompare(b.name)).map((agent) => this.agentNode(agent));
        const fileProblems = this.usesLocalBackend() ? (this.fileAgents?.problems() ?? []) : [];
        const problems = fileProblems.map((problem) => this.known(`problem:${problem.file}`, { kind: 'agentFileProblem', problem }));
        const found = this.foundThreads ? [this.known('foundThreads', { kind: 'foundThreads', offer: this.foundThreads })] : [];
        return [
          ...found,
          ...roots,
          ...(orphans.length > 0 ? [this.known('orphans', { kind: 'orphans', threads: orphans })] : []),
          ...problems,
        ];
      }
      if (node.kind === 'agent') {
        const threads = await this.visibleThreads();
        const versions =
          this.keepsAgentVersions() && node.agent.version > 1 && !this.threadFilter
            ? [this.known(`versions:${node.agent.id}`, { kind: 'agentVersions', agent: node.agent })]
            : [];
        return [...versions, ...threads.filter((t) => t.agent_id === node.agent.id).map((thread) => this.threadNodeOf(thread, node.agent))];
      }
      if (node.kind === 'agentVersions') {
        const versions = (await this.agents.versions?.(node.agent.id)) ?? [];
        return versions.map((version) =>
          this.known(`version:${node.agent.id}:${version.version}`, { kind: 'agentVersion', agent: node.agent, version }),
        );
      }
      if (node.kind === 'orphans') return node.threads.map((thread) => this.threadNodeOf(thread, undefined));
      if (node.kind === 'foundThreads')
        return (['merge', 'browse', 'ignore'] as const).map((action) =>
          this.known(`foundThreads:${action}`, { kind: 'foundThreadsAction', action }),
        );
      return [];
    } catch (error) {
      this.log.error(`Could not list agents and threads: ${errorMessage(error)}`);
      // A notice: the tree shows empty now, not after the user dismisses it.
      void vscode.window.showErrorMessage(vscode.l10n.t('Agent Threads could not read its storage: {0}', errorMessage(error)));
      return [];
    }
  }

  /** The agent a thread sits under, so TreeView.reveal can expand the way to it. */
  async getParent(node: AgentsTreeNode): Promise<AgentsTreeNode | undefined> {
    if (node.kind === 'foundThreadsAction') return this.nodes.get('foundThreads');
    if (node.kind === 'agentVersions') return this.agentNode(node.agent);
    if (node.kind === 'agentVersion') return this.nodes.get(`versions:${node.agent.id}`);
    if (node.kind !== 'thread') return undefined;
    if (node.agent) return this.agentNode(node.agent);
    return (await this.getChildren()).find((root) => root.kind === 'orphans');
  }

  /** The tree's node of a thread, or undefined when the tree does not show it (filtered out, or gone). */
  async threadNode(threadId: string): Promise<AgentsTreeNode | undefined> {
    for (const root of await this.getChildren()) {
      if (root.kind !== 'agent' && root.kind !== 'orphans') continue;
      const found = (await this.getChildren(root)).find((node) => node.kind === 'thread' && node.thread.id === threadId);
      if (found) return found;
    }
    return undefined;
  }

  private agentNode(agent: Agent): AgentsTreeNode {
    return this.known(`agent:${agent.id}`, { kind: 'agent', agent });
  }

  private threadNodeOf(thread: Thread, agent: Agent | undefined): AgentsTreeNode {
    return this.known(`thread:${thread.id}`, { kind: 'thread', thread, agent });
  }

  /** The node already handed to VS Code for this id, brought up to date, or `fresh` when there is none. */
  private known(key: string, fresh: AgentsTreeNode): AgentsTreeNode {
    const known = this.nodes.get(key);
    if (!known || known.kind !== fresh.kind) {
      this.nodes.set(key, fresh);
      return fresh;
    }
    Object.assign(known, fresh);
    return known;
  }

  private async visibleThreads(): Promise<Thread[]> {
    const threads = await this.threads.list();
    const filter = this.threadFilter;
    return filter ? threads.filter((thread) => filter.has(thread.id)) : threads;
  }

  dispose(): void {
    this.subscriptions.dispose();
  }
}

/** "Found 37 threads of this project from another workspace". */
export function foundThreadsText(missing: number): string {
  return vscode.l10n.t('Found {0} threads of this project from another workspace', missing);
}

/** One of the things to do about found threads, as a row under the notice (a click runs it). */
function foundThreadsAction(action: 'merge' | 'browse' | 'ignore'): vscode.TreeItem {
  // Short labels: they sit indented under the notice in a narrow sidebar; the tooltip says the rest.
  const rows = {
    merge: {
      label: vscode.l10n.t('Merge Here'),
      tooltip: vscode.l10n.t('Merge them into this workspace: nothing is overwritten or deleted'),
      icon: 'merge',
      command: CommandId.mergeFoundThreads,
    },
    browse: {
      label: vscode.l10n.t('Open Read-Only'),
      tooltip: vscode.l10n.t('Browse them read-only, without merging'),
      icon: 'eye',
      command: CommandId.browseFoundThreads,
    },
    ignore: {
      label: vscode.l10n.t('Ignore'),
      tooltip: vscode.l10n.t('Do not offer these threads again'),
      icon: 'close',
      command: CommandId.ignoreFoundThreads,
    },
  };
  const row = rows[action];
  const item = new vscode.TreeItem(row.label, vscode.TreeItemCollapsibleState.None);
  item.id = `foundThreads:${action}`;
  item.iconPath = new vscode.ThemeIcon(row.icon);
  item.tooltip = row.tooltip;
  item.command = { command: row.command, title: row.tooltip };
  return item;
}

function isActive(status: RunStatus): boolean {
  return status === 'queued' || status === 'in_progress' || status === 'requires_action' || status === 'cancelling';
}

function statusIcon(status: RunStatus | undefined): vscode.ThemeIcon {
  switch (status) {
    case 'queued':
    case 'in_progress':
    case 'cancelling':
      return new vscode.ThemeIcon('loading~spin');
    case 'requires_action':
      return new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'));
    case 'failed':
    case 'expired':
      return new vscode.ThemeIcon('error', new vscode.ThemeColor('list.errorForeground'));
    default:
      return new vscode.ThemeIcon('comment-discussion');
  }
}
