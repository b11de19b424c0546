import * as vscode from 'vscode';
import type { ChatViewProvider } from '../views/chatViewProvider';

/** The active editor's selection as a Markdown quote naming its file and lines, or undefined when nothing is selected. */
export function quoteSelection(editor: vscode.TextEditor | undefined): string | undefined {
  if (!editor || editor.selection.isEmpty) return undefined;
  const { document, selection } = editor;
  const path = vscode.workspace.asRelativePath(document.uri, false);
  const lines =
    selection.start.line === selection.end.line
      ? `line ${selection.start.line + 1}`
      : `lines ${selection.start.line + 1}-${selection.end.line + 1}`;
  const code = document.getText(selection);
  const fence = code.includes('```') ? '````' : '```';
  return `In \`${path}\`, ${lines}:\n\n${fence}${document.languageId}\n${code}\n${fence}\n\n`;
}

/** "Ask Agent about Selection": asks for a question and sends it with the selection to the chat's agent. */
export async function askAboutSelection(chat: ChatViewProvider, question?: string): Promise<void> {
  const quote = quoteSelection(vscode.window.activeTextEditor);
  if (!quote) {
    vscode.window.showInformationMessage(vscode.l10n.t('Select some code in an editor first.'));
    return;
  }
  const asked =
    question ??
    (await vscode.window.showInputBox({
      title: vscode.l10n.t('Ask Agent about Selection'),
      prompt: vscode.l10n.t('Your question about the selected code'),
      value: 'Explain this code.',
    }));
  if (!asked) return;
  await chat.withSession((session) => session.send(`${quote}${asked}`, []));
}

/** "Send Selection to Chat": puts the quoted selection into the chat composer to finish and send. */
export async function sendSelectionToChat(chat: ChatViewProvider): Promise<void> {
  const quote = quoteSelection(vscode.window.activeTextEditor);
  if (!quote) {
    vscode.window.showInformationMessage(vscode.l10n.t('Select some code in an editor first.'));
    return;
  }
  await chat.withSession((session) => session.prefill(quote));
}
