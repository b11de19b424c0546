// The Usage view: tokens and cost per day and per agent from the usage ledger, newest day first, each row with a
// small bar (its share of the busiest day) so the days compare at a glance. A tree, not a webview: it stays light.

import * as vscode from 'vscode';
import { sumUsage, type UsageLedger, type UsageRow, type UsageTotals, usageFigures } from '../../core/budgets';
import { usageNotes } from './usageText';

type UsageNode = { kind: 'day'; day: string; totals: UsageTotals; rows: UsageRow[] } | { kind: 'agent'; row: UsageRow; max: number };

/** Days shown; older days stay in the ledger. */
const DAYS_SHOWN = 30;
const BAR_WIDTH = 10;

/** A bar of `value` against `max`, in eighth blocks: "█████▌". */
export function usageBar(value: number, max: number): string {
  if (max <= 0 || value <= 0) return '';
  const eighths = Math.max(1, Math.round((value / max) * BAR_WIDTH * 8));
  return '█'.repeat(Math.floor(eighths / 8)) + (eighths % 8 ? ' ▏▎▍▌▋▊▉'[eighths % 8] : '');
}

/** The tree of the Usage view. */
export class UsageTreeProvider implements vscode.TreeDataProvider<UsageNode>, vscode.Disposable {
  static readonly viewId = 'agentThreads.usage';
  private readonly changed = new vscode.EventEmitter<UsageNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscription: { dispose(): void };

  constructor(private readonly ledger: Pick<UsageLedger, 'rows' | 'load' | 'onDidChange'>) {
    this.subscription = ledger.onDidChange(() => this.changed.fire(undefined));
  }

  async getChildren(node?: UsageNode): Promise<UsageNode[]> {
    if (node?.kind === 'agent') return [];
    if (node?.kind === 'day') {
      const max = Math.max(...node.rows.map((row) => row.tokens));
      return node.rows.map((row) => ({ kind: 'agent', row, max }));
    }
    await this.ledger.load();
    const byDay = new Map<string, UsageRow[]>();
    for (const row of this.ledger.rows()) byDay.set(row.day, [...(byDay.get(row.day) ?? []), row]);
    return [...byDay.entries()].slice(0, DAYS_SHOWN).map(([day, rows]) => ({ kind: 'day', day, rows, totals: sumUsage(rows) }));
  }

  getTreeItem(node: UsageNode): vscode.TreeItem {
    if (node.kind === 'day') {
      const item = new vscode.TreeItem(node.day, vscode.TreeItemCollapsibleState.Collapsed);
      item.id = `usage-${node.day}`;
      item.iconPath = new vscode.ThemeIcon('calendar');
      item.description = describe(node.totals);
      item.tooltip = tooltip(node.day, node.totals);
      return item;
    }
    const item = new vscode.TreeItem(node.row.agent_name || node.row.agent_id, vscode.TreeItemCollapsibleState.None);
    item.id = `usage-${node.row.day}-${node.row.agent_id}`;
    item.iconPath = new vscode.ThemeIcon('person');
    item.description = `${usageBar(node.row.tokens, node.max)} ${describe(node.row)}`;
    item.tooltip = tooltip(`${node.row.agent_name} · ${node.row.day}`, node.row);
    return item;
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}

/** "12,345 tokens · $1.27", with "≈" for estimated tokens. */
function describe(totals: UsageTotals): string {
  const figures = usageFigures(totals, vscode.env.language);
  if (!figures) return vscode.l10n.t('{0} tokens', 0);
  const parts = [figures.estimated ? vscode.l10n.t('≈{0} tokens', figures.tokens) : vscode.l10n.t('{0} tokens', figures.tokens)];
  if (figures.cost) parts.push(figures.cost);
  return parts.join(' · ');
}

function tooltip(title: string, totals: UsageTotals): string {
  return [title, vscode.l10n.t('{0} model calls', totals.calls), describe(totals), ...usageNotes(totals)].join('\n');
}
