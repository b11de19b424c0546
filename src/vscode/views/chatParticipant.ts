import * as vscode from 'vscode';
import { type ChatExchangeResult, type ChatExchanges, type ChatSink, chatIntentOf, sessionChoiceOf } from '../../core/chat';
import { CommandId } from '../shared/commandIds';

/** The id of the `@agents` participant (package.json `contributes.chatParticipants`). */
export const CHAT_PARTICIPANT_ID = 'agentThreads.agents';

/** Whether the participant was registered; 'unavailable' where this VS Code has no Chat API (older or web-only hosts). */
export type ChatParticipantState = 'registered' | 'unavailable';

/**
 * The handler behind `@agents` in VS Code's Chat view: maps the request, the session's history and the response
 * stream onto a ChatExchange, so each exchange runs on our RunEngine and lands in a real thread. Exported through the
 * extension's API as well, so tests can drive it with their own ChatResponseStream where no Chat view exists.
 */
export function chatRequestHandler(exchanges: ChatExchanges, log: vscode.LogOutputChannel): vscode.ChatRequestHandler {
  return async (request, context, stream, token) => {
    // The session's choice of agent and thread rides in each result's metadata; the history gives it back.
    const session = sessionChoiceOf(context.history.flatMap((turn) => ('result' in turn ? [turn.result.metadata] : [])));
    const cancellation = new AbortController();
    const listener = token.onCancellationRequested(() => cancellation.abort());
    if (token.isCancellationRequested) cancellation.abort();
    try {
      const result = await exchanges.handle(
        chatIntentOf(request.command, request.prompt),
        session,
        streamSink(stream),
        cancellation.signal,
      );
      if (result.error) log.warn(`@agents: ${result.error}`);
      return chatResultOf(result);
    } finally {
      listener.dispose();
    }
  };
}

/** Registers `@agents` where VS Code has a Chat API; elsewhere logs that it is off and registers nothing. */
export function registerChatParticipant(
  handler: vscode.ChatRequestHandler,
  extensionUri: vscode.Uri,
  log: vscode.LogOutputChannel,
): { state: ChatParticipantState; disposable: vscode.Disposable } {
  const chat = (vscode as Partial<typeof vscode>).chat;
  if (typeof chat?.createChatParticipant !== 'function') {
    log.info('This VS Code has no Chat API: the @agents chat participant is off (the Agent Threads views work as usual).');
    return { state: 'unavailable', disposable: { dispose: () => undefined } };
  }
  const participant = chat.createChatParticipant(CHAT_PARTICIPANT_ID, handler);
  participant.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'agent-threads.svg');
  participant.followupProvider = { provideFollowups: followupsFor };
  return { state: 'registered', disposable: participant };
}

/** Follow-ups after an answer: go on in the same thread, or pick another agent. */
export function followupsFor(result: vscode.ChatResult): vscode.ChatFollowup[] {
  const metadata = result.metadata as { threadId?: unknown; status?: unknown } | undefined;
  if (typeof metadata?.threadId !== 'string' || metadata.status !== 'completed') return [];
  return [
    { prompt: vscode.l10n.t('Go on.'), label: vscode.l10n.t('Continue') },
    { prompt: vscode.l10n.t('Which agents are there?'), command: 'agents', label: vscode.l10n.t('Switch agent') },
  ];
}

function streamSink(stream: vscode.ChatResponseStream): ChatSink {
  return {
    markdown: (text) => stream.markdown(text),
    progress: (text) => stream.progress(text),
    openThread: (threadId, label) => stream.button({ command: CommandId.openThread, title: label, arguments: [threadId] }),
  };
}

function chatResultOf(result: ChatExchangeResult): vscode.ChatResult {
  return {
    metadata: { ...result.choice, runId: result.runId ?? null, status: result.status ?? null },
    ...(result.error ? { errorDetails: { message: result.error } } : {}),
  };
}
