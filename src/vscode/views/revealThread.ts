import type * as vscode from 'vscode';
import type { AgentsTreeNode, AgentsTreeProvider } from './agentsTreeProvider';

/**
 * Selects a thread's row in the Agents tree when the tree is on screen, expanding its agent and scrolling to it: the
 * chat has most of the sidebar, so the tree is short and the thread just opened may be out of its view. Does
 * nothing when the tree is collapsed or hidden (revealing would open it and take the chat's room).
 */
export async function revealThread(
  treeView: vscode.TreeView<AgentsTreeNode>,
  tree: AgentsTreeProvider,
  threadId: string,
  log: vscode.LogOutputChannel,
): Promise<void> {
  if (!treeView.visible) return;
  const node = await tree.threadNode(threadId);
  if (!node) return;
  await tree.whenDrawn(node);
  // Selecting is a courtesy: a tree that changed under it is not worth an error.
  await Promise.resolve(treeView.reveal(node, { select: true, focus: false, expand: false })).catch((error: unknown) =>
    log.debug(`Could not reveal thread ${threadId} in the Agents tree: ${String(error)}`),
  );
}
