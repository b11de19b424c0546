import * as vscode from 'vscode';
import { isWebviewToHost, type HostToWebview, type WebviewToHost } from '../protocol/messages';
import { renderWebviewHtml, webviewOptions } from './webviewHtml';

/** The sidebar chat (a WebviewView in the Agent Threads container). */
export class ChatViewProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  static readonly viewId = 'agentThreads.chat';
  private view: vscode.WebviewView | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly extensionVersion: string,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    view.webview.options = webviewOptions(this.extensionUri);
    view.webview.html = renderWebviewHtml(view.webview, this.extensionUri, 'chat', 'Agent Threads Chat');
    this.disposables.push(
      view.webview.onDidReceiveMessage((message: unknown) => {
        if (!isWebviewToHost(message)) {
          this.log.warn('Chat view sent a message the host does not understand; ignored.');
          return;
        }
        this.handle(message);
      }),
      view.onDidDispose(() => (this.view = undefined)),
    );
  }

  private handle(message: WebviewToHost): void {
    switch (message.type) {
      case 'ready':
        this.log.debug('Chat view ready');
        break;
      case 'ping':
        this.post({ type: 'pong', id: message.id, extensionVersion: this.extensionVersion });
        break;
    }
  }

  private post(message: HostToWebview): void {
    void this.view?.webview.postMessage(message);
  }

  dispose(): void {
    vscode.Disposable.from(...this.disposables).dispose();
  }
}
