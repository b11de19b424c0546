import * as vscode from 'vscode';
import { visibleBidiControls } from '../../core/domain/displayText';
import type { MessageReveal } from './messagePages';
import { ThreadSession, type SessionServices } from './threadSession';
import { renderWebviewHtml, webviewOptions } from './webviewHtml';

interface PanelState {
  threadId?: string;
}

/**
 * Thread panels in the editor area: one per thread, brought to front when opened again, and restored after a
 * reload through the serializer (the panel's state carries only the thread id).
 */
export class ThreadPanels implements vscode.WebviewPanelSerializer<PanelState>, vscode.Disposable {
  static readonly viewType = 'agentThreads.thread';
  private readonly panels = new Map<string, { panel: vscode.WebviewPanel; session: ThreadSession }>();

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly extensionVersion: string,
    private readonly services: SessionServices,
  ) {}

  /** Opens (or reveals) the panel of a thread; with `reveal`, scrolled to that message and marked. */
  async open(threadId: string, reveal?: MessageReveal): Promise<void> {
    const existing = this.panels.get(threadId);
    if (existing) {
      // A hidden panel's webview loads again as it comes back, and asks for its page then.
      const live = existing.panel.visible;
      existing.panel.reveal();
      if (reveal) await existing.session.revealMessage(reveal, live);
      return;
    }
    const thread = await this.services.threads.get(threadId);
    const panel = vscode.window.createWebviewPanel(
      ThreadPanels.viewType,
      visibleBidiControls(thread.title) || 'Thread',
      vscode.ViewColumn.Active,
      {
        ...webviewOptions(this.extensionUri),
        retainContextWhenHidden: false,
      },
    );
    const session = this.attach(panel, threadId);
    if (reveal) await session.revealMessage(reveal, false);
  }

  async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: PanelState | undefined): Promise<void> {
    const threadId = state?.threadId;
    if (
      !threadId ||
      this.panels.has(threadId) ||
      !(await this.services.threads.get(threadId).then(
        () => true,
        () => false,
      ))
    ) {
      panel.dispose();
      return;
    }
    panel.webview.options = webviewOptions(this.extensionUri);
    this.attach(panel, threadId);
  }

  private attach(panel: vscode.WebviewPanel, threadId: string): ThreadSession {
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'agent-threads.svg');
    panel.webview.html = renderWebviewHtml(panel.webview, this.extensionUri, 'thread', panel.title, { threadId });
    const session = new ThreadSession(panel.webview, this.services, this.extensionVersion, 'thread', threadId);
    const titleWatch = this.services.threads.onDidChangeThreads(({ threadId: changed, type }) => {
      if (changed !== threadId) return;
      if (type === 'deleted') panel.dispose();
      // The tab title is cosmetic: a failed read keeps the old one.
      else
        void this.services.threads.get(threadId).then(
          (thread) => (panel.title = visibleBidiControls(thread.title) || 'Thread'),
          () => undefined,
        );
    });
    this.panels.set(threadId, { panel, session });
    panel.onDidDispose(() => {
      session.dispose();
      titleWatch.dispose();
      this.panels.delete(threadId);
    });
    return session;
  }

  /** The thread of the panel that is the active editor, if one is. */
  get activeThreadId(): string | undefined {
    for (const [threadId, { panel }] of this.panels) if (panel.active) return threadId;
    return undefined;
  }

  /** Closes every thread panel (their threads belong to a backend that is no longer in use). */
  closeAll(): void {
    for (const { panel } of [...this.panels.values()]) panel.dispose();
  }

  dispose(): void {
    for (const { panel } of this.panels.values()) panel.dispose();
  }
}
