import * as vscode from 'vscode';
import { type KnownStore, listStoredThreads, type MergeReport } from '../../core/history';
import type { OtherStores } from '../backend/otherStores';
import { relativeTime } from '../views/relativeTime';

export interface OtherStoreCommandServices {
  /** Undefined with no folder open (threads are in global storage then, one store for every such window). */
  otherStores: OtherStores | undefined;
}

/** **Find Threads from Other Workspaces…**: every store on this machine, its project and counts; Merge or Browse one. */
export async function findThreadsInOtherWorkspaces(s: OtherStoreCommandServices): Promise<MergeReport | undefined> {
  const finder = requireFinder(s);
  if (!finder) return undefined;
  const stores = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Looking for thread stores…') },
    () => finder.stores(),
  );
  type StoreItem = vscode.QuickPickItem & { store: KnownStore };
  const items: StoreItem[] = [];
  for (const store of stores.sort((a, b) => b.threadCount - a.threadCount)) {
    const own = finder.isOwn(store);
    const project = own
      ? vscode.l10n.t('this workspace')
      : (await finder.isOfThisProject(store))
        ? vscode.l10n.t('this project')
        : vscode.l10n.t('another project');
    items.push({
      store,
      label: store.label,
      description: `${threadCount(store.threadCount)} · ${project}`,
      detail: store.path,
      ...(own ? { iconPath: new vscode.ThemeIcon('home') } : {}),
    });
  }
  const others = items.filter((item) => !finder.isOwn(item.store));
  if (others.length === 0) {
    void vscode.window.showInformationMessage(vscode.l10n.t('No other thread stores are on this machine.'));
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(items, {
    title: vscode.l10n.t('Thread stores on this machine'),
    placeHolder: vscode.l10n.t('Pick a store to merge into this workspace or to browse'),
    matchOnDetail: true,
  });
  if (!picked) return undefined;
  if (finder.isOwn(picked.store)) {
    void vscode.window.showInformationMessage(vscode.l10n.t('That is the store this workspace uses.'));
    return undefined;
  }
  const merge = vscode.l10n.t('Merge into this workspace');
  const browse = vscode.l10n.t('Browse its threads');
  const action = await vscode.window.showQuickPick([merge, browse], { title: picked.store.label });
  if (action === merge) return mergeFoundThreads(s, picked.store);
  if (action === browse) await browseFoundThreads(s, picked.store);
  return undefined;
}

/** Merges the offered store (or `store`) into this workspace's, and says what came in. */
export async function mergeFoundThreads(s: OtherStoreCommandServices, store?: KnownStore): Promise<MergeReport | undefined> {
  const finder = requireFinder(s);
  const source = store ?? finder?.offer?.store;
  if (!finder || !source) return undefined;
  const report = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Merging threads from {0}…', source.label) },
    () => finder.merge(source),
  );
  const threads = report.threads;
  const brought = threads.added.length + threads.extended.length + threads.copied.length;
  const parts = [vscode.l10n.t('{0} threads from {1} are here now.', brought, source.label)];
  if (threads.copied.length)
    parts.push(
      vscode.l10n.t(
        '{0} went on differently in both places and are kept twice, the copy named "{1}".',
        threads.copied.length,
        vscode.l10n.t('from {0}', source.label),
      ),
    );
  if (report.problems.length) parts.push(vscode.l10n.t('Left out: {0}', report.problems.join(' ')));
  void vscode.window.showInformationMessage(parts.join(' '));
  return report;
}

/** Lists the offered store's (or `store`'s) threads without touching that store. */
export async function browseFoundThreads(s: OtherStoreCommandServices, store?: KnownStore): Promise<void> {
  const finder = requireFinder(s);
  const source = store ?? finder?.offer?.store;
  if (!finder || !source) return;
  const threads = await listStoredThreads(source.path);
  const merge = vscode.l10n.t('Merge into this workspace');
  const picked = await vscode.window.showQuickPick(
    [
      ...threads.map((thread) => ({
        label: thread.title || vscode.l10n.t('Untitled thread'),
        description: [
          relativeTime(thread.lastActivityAt),
          thread.messageCount === undefined ? undefined : vscode.l10n.t('{0} messages', thread.messageCount),
        ]
          .filter(Boolean)
          .join(' · '),
      })),
      { label: '', kind: vscode.QuickPickItemKind.Separator },
      { label: `$(merge) ${merge}`, alwaysShow: true, action: 'merge' as const },
    ],
    {
      title: vscode.l10n.t('{0}: {1} (read-only)', source.label, threadCount(threads.length)),
      placeHolder: vscode.l10n.t('Threads there; merge to open them here'),
    },
  );
  if (picked && 'action' in picked) await mergeFoundThreads(s, source);
}

/** Stops offering the store the offer names, in this workspace. */
export async function ignoreFoundThreads(s: OtherStoreCommandServices): Promise<void> {
  const offer = s.otherStores?.offer;
  if (offer) await s.otherStores?.ignore(offer.store);
}

function threadCount(count: number): string {
  return count === 1 ? vscode.l10n.t('1 thread') : vscode.l10n.t('{0} threads', count);
}

function requireFinder(s: OtherStoreCommandServices): OtherStores | undefined {
  if (!s.otherStores)
    void vscode.window.showInformationMessage(
      vscode.l10n.t('Open a folder first: with no folder open, threads are kept in global storage, which every such window shares.'),
    );
  return s.otherStores;
}
