import * as vscode from 'vscode';

/** A node of the Agents tree: an agent or one of its threads. */
export type AgentsTreeNode = { kind: 'agent'; id: string; label: string } | { kind: 'thread'; id: string; agentId: string; label: string };

/** The tree of agents and their threads. Empty until agents exist, so the view's welcome content shows. */
export class AgentsTreeProvider implements vscode.TreeDataProvider<AgentsTreeNode>, vscode.Disposable {
  static readonly viewId = 'agentThreads.agents';
  private readonly changed = new vscode.EventEmitter<AgentsTreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;

  refresh(): void {
    this.changed.fire(undefined);
  }

  getTreeItem(node: AgentsTreeNode): vscode.TreeItem {
    const item = new vscode.TreeItem(node.label, node.kind === 'agent' ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
    item.id = node.id;
    item.contextValue = node.kind;
    item.iconPath = new vscode.ThemeIcon(node.kind === 'agent' ? 'hubot' : 'comment-discussion');
    return item;
  }

  getChildren(): AgentsTreeNode[] {
    return [];
  }

  dispose(): void {
    this.changed.dispose();
  }
}
