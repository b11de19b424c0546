import * as crypto from 'node:crypto';
import * as vscode from 'vscode';
import type { WebviewKind } from '../../protocol/ipc';

/** Options every Agent Threads webview gets: scripts on, resources only from dist and media. */
export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return {
    enableScripts: true,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}

/**
 * The HTML shell of a webview: a strict CSP with a fresh nonce per load, no inline script, the bundle and the
 * codicon stylesheet (vscode-elements finds it by its id) loaded from dist.
 */
export function renderWebviewHtml(
  webview: vscode.Webview,
  extensionUri: vscode.Uri,
  kind: WebviewKind,
  title: string,
  data: { threadId?: string } = {},
): string {
  const nonce = crypto.randomBytes(16).toString('base64');
  const asset = (...segments: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...segments)).toString();
  const csp = [
    `default-src 'none'`,
    `img-src ${webview.cspSource} data:`,
    `style-src ${webview.cspSource} 'nonce-${nonce}'`,
    `font-src ${webview.cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="${escapeHtml(vscode.env.language)}">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy" content="${csp}">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
  <link rel="stylesheet" id="vscode-codicon-stylesheet" href="${asset('dist', 'codicons', 'codicon.css')}" nonce="${nonce}">
  <link rel="stylesheet" href="${asset('media', 'webview.css')}" nonce="${nonce}">
  <title>${escapeHtml(title)}</title>
  ${l10nBundleScript()}
</head>
<body data-agent-threads-view="${kind}"${data.threadId ? ` data-initial-thread-id="${escapeHtml(data.threadId)}"` : ''}>
  <main id="app"></main>
  <script nonce="${nonce}" src="${asset('dist', 'webview', kind === 'agent' ? 'agentEditor.js' : 'app.js')}"></script>
</body>
</html>`;
}

/**
 * VS Code's strings for the display language, for webview/shared/l10n.ts. A JSON block is data, not script, so it
 * needs no nonce; `<` is escaped so a translation cannot close the element.
 */
function l10nBundleScript(): string {
  const bundle = vscode.l10n.bundle;
  if (!bundle) return '';
  return `<script type="application/json" id="agent-threads-l10n">${JSON.stringify(bundle).replace(/</g, '\\u003c')}</script>`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
