import * as vscode from 'vscode';
import { ThreadSession, type SessionServices } from './threadSession';
import { renderWebviewHtml, webviewOptions } from './webviewHtml';

const CURRENT_THREAD_KEY = 'agentThreads.chat.currentThread';

/** The sidebar chat: a WebviewView showing one thread at a time, remembered per workspace. */
export class ChatViewProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  static readonly viewId = 'agentThreads.chat';
  private session: ThreadSession | undefined;
  private view: vscode.WebviewView | undefined;
  private sessionReady: ((session: ThreadSession) => void) | undefined;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly extensionVersion: string,
    private readonly services: SessionServices,
    private readonly workspaceState: vscode.Memento,
  ) {}

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    view.webview.options = webviewOptions(this.extensionUri);
    view.webview.html = renderWebviewHtml(view.webview, this.extensionUri, 'chat', 'Agent Threads Chat');
    const remembered = this.workspaceState.get<string | null>(CURRENT_THREAD_KEY, null);
    this.session = new ThreadSession(view.webview, this.services, this.extensionVersion, 'chat', remembered, (threadId) => {
      // Only remembers the thread for the next window; a failed write is logged, the chat goes on.
      this.workspaceState
        .update(CURRENT_THREAD_KEY, threadId)
        .then(undefined, (error: unknown) => this.services.log.warn(`Could not remember the current thread: ${String(error)}`));
    });
    this.sessionReady?.(this.session);
    this.sessionReady = undefined;
    view.onDidDispose(() => {
      this.session?.dispose();
      this.session = undefined;
      this.view = undefined;
    });
  }

  /** Shows a thread (or a fresh conversation) in the sidebar chat, revealing the view. */
  async show(threadId: string | null): Promise<void> {
    await this.workspaceState.update(CURRENT_THREAD_KEY, threadId);
    await vscode.commands.executeCommand(`${ChatViewProvider.viewId}.focus`);
    if (this.session) await this.session.showThread(threadId);
  }

  /** Starts a new conversation in the chat without revealing it (nothing it showed exists any more). */
  async clear(): Promise<void> {
    await this.workspaceState.update(CURRENT_THREAD_KEY, null);
    if (this.session) await this.session.showThread(null);
  }

  /** Reveals the chat and hands its session to `act` once the webview is there. */
  async withSession(act: (session: ThreadSession) => Promise<void> | void): Promise<void> {
    await vscode.commands.executeCommand(`${ChatViewProvider.viewId}.focus`);
    const session = this.session ?? (await new Promise<ThreadSession>((resolve) => (this.sessionReady = resolve)));
    await act(session);
  }

  get currentThreadId(): string | null {
    return this.session?.currentThreadId ?? null;
  }

  get isVisible(): boolean {
    return this.view?.visible ?? false;
  }

  dispose(): void {
    this.session?.dispose();
  }
}
