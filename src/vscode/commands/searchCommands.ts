import * as vscode from 'vscode';
import { UNTITLED_THREAD_TITLE } from '../../core/domain';
import type { SearchHit, SearchIndex } from '../../core/search';
import type { ThreadRepository } from '../../core/backend';
import type { AgentsTreeProvider } from '../views/agentsTreeProvider';
import type { MessageReveal } from '../views/messagePages';
import { relativeTime } from '../views/relativeTime';
import { CommandId } from '../shared/commandIds';
import { errorMessage } from '../shared/errors';

export interface SearchCommandServices {
  search: SearchIndex;
  threads: ThreadRepository;
  tree: AgentsTreeProvider;
  treeView: vscode.TreeView<unknown>;
  log: vscode.LogOutputChannel;
}

type HitItem = vscode.QuickPickItem & { hit: SearchHit };

/** "Search Threads…": a quick pick whose results follow what is typed; picking one opens its thread. */
export function searchThreads(s: SearchCommandServices, initial = ''): Promise<SearchHit | undefined> {
  const pick = vscode.window.createQuickPick<HitItem>();
  pick.title = vscode.l10n.t('Search Threads');
  pick.placeholder = vscode.l10n.t('Words to find in any message (the last word may be unfinished)');
  // The index already matched; VS Code's own fuzzy filter would hide hits whose snippet does not echo the query.
  pick.matchOnDescription = false;
  pick.matchOnDetail = false;
  pick.value = initial;
  let latest = 0;
  const update = async (text: string): Promise<void> => {
    const asked = ++latest;
    pick.busy = true;
    try {
      const [hits, threads] = await Promise.all([s.search.search(text, 50), s.threads.list()]);
      if (asked !== latest) return; // a newer keystroke's results will replace these
      const titles = new Map(threads.map((thread) => [thread.id, thread.title || UNTITLED_THREAD_TITLE]));
      pick.items = hits.map((hit) => ({
        label: hit.snippet,
        // Quick picks filter labels against the typed value; an always-shown item keeps every index hit.
        alwaysShow: true,
        description: `${titles.get(hit.threadId) ?? hit.threadId} · ${hit.role} · ${relativeTime(hit.created_at)}`,
        hit,
      }));
    } catch (error) {
      s.log.error(`Search failed: ${errorMessage(error)}`);
    } finally {
      if (asked === latest) pick.busy = false;
    }
  };
  return new Promise((resolve) => {
    let chosen: SearchHit | undefined;
    // update() logs a failed search; a newer keystroke supersedes an older one.
    pick.onDidChangeValue((text) => void update(text));
    pick.onDidAccept(() => {
      chosen = pick.selectedItems[0]?.hit;
      pick.hide();
      // Opens the thread at the message found, with the words searched for marked in it. Our own command logs and
      // shows its errors; the search resolves with the hit without waiting.
      const at: MessageReveal | undefined = chosen && { messageId: chosen.messageId, query: pick.value };
      if (chosen) void vscode.commands.executeCommand(CommandId.openThread, chosen.threadId, at);
    });
    pick.onDidHide(() => {
      pick.dispose();
      resolve(chosen);
    });
    pick.show();
    if (initial) void update(initial); // logs its own failure; the pick stays open
  });
}

/** "Filter Threads…": shows only threads with a message matching the text, and says so above the tree. */
export async function filterThreads(s: SearchCommandServices, text?: string): Promise<number | undefined> {
  const query =
    text ??
    (await vscode.window.showInputBox({
      title: vscode.l10n.t('Filter Threads'),
      prompt: vscode.l10n.t('Show only threads with a message containing these words'),
    }));
  if (query === undefined) return undefined;
  if (!query.trim()) return void clearThreadFilter(s);
  const matching = await s.search.threadsMatching(query);
  s.tree.setThreadFilter(matching);
  s.treeView.message = vscode.l10n.t(
    'Threads matching "{0}": {1}. Run "Agent Threads: Clear Filter" to show all.',
    query.trim(),
    matching.size,
  );
  await vscode.commands.executeCommand('setContext', 'agentThreads.filtered', true);
  return matching.size;
}

/** "Clear Filter": shows every thread again. */
export function clearThreadFilter(s: SearchCommandServices): void {
  s.tree.setThreadFilter(undefined);
  s.treeView.message = undefined;
  void vscode.commands.executeCommand('setContext', 'agentThreads.filtered', false); // built-in; nothing waits for it
}

/** The message Open Thread is asked to show (a search result), when its argument has that shape. */
export function messageRevealArgument(value: unknown): MessageReveal | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { messageId, query } = value as Partial<Record<keyof MessageReveal, unknown>>;
  return typeof messageId === 'string' ? { messageId, query: typeof query === 'string' ? query : '' } : undefined;
}
