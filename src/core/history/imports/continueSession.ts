/**
 * Continue sessions (`~/.continue/sessions/<sessionId>.json`), learned from continuedev/continue's `core/index.d.ts`:
 * a Session `{sessionId, title, workspaceDirectory, history: ChatHistoryItem[]}`, each item a `message` (role user,
 * assistant, thinking, system or tool; `content` a string or parts `{type: 'text', text}` / `{type: 'imageUrl'}`;
 * assistant `toolCalls` `{id, function: {name, arguments}}`; tool messages `{toolCallId, content}`) with, on assistant
 * items, `toolCallStates` (`toolCallId`, `toolCall`, `status`, `output: ContextItem[]`; older files one
 * `toolCallState`) and `reasoning` `{text, startAt, endAt}` (ms). Messages carry no time: `sessions.json` beside the
 * sessions has each one's `dateCreated`, which the caller passes as `createdAt`; reasoning times are used where present.
 */
import {
  clipToolOutput,
  foldMessages,
  ImportError,
  isRecord,
  stringField,
  titleFromText,
  toUnixSeconds,
  type ImportedConversation,
  type ImportedMessage,
  type ImportedToolCall,
} from './importedConversation';

/** Whether a parsed JSON document looks like a Continue session. */
export function isContinueSession(data: unknown): data is Record<string, unknown> {
  return isRecord(data) && Array.isArray(data.history) && typeof data.sessionId === 'string';
}

function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part) =>
      isRecord(part) ? (part.type === 'text' ? (stringField(part.text) ?? '') : part.type === 'imageUrl' ? '*(image)*' : '') : '',
    )
    .filter(Boolean)
    .join('\n\n');
}

/** A tool call's state (ToolCallState) as a call with its output (context items' contents). */
function stateCall(state: unknown): ImportedToolCall | undefined {
  if (!isRecord(state) || !isRecord(state.toolCall) || !isRecord(state.toolCall.function)) return undefined;
  const output = Array.isArray(state.output)
    ? state.output
        .map((item) => (isRecord(item) ? (stringField(item.content) ?? '') : ''))
        .filter(Boolean)
        .join('\n')
    : '';
  return {
    id: stringField(state.toolCallId) ?? stringField(state.toolCall.id),
    name: stringField(state.toolCall.function.name) ?? 'tool',
    arguments: stringField(state.toolCall.function.arguments) ?? '{}',
    output: clipToolOutput(output || (state.status === 'canceled' ? 'Cancelled.' : '')),
    failed: state.status === 'errored' ? true : undefined,
  };
}

/** A Continue session as a conversation; `createdAt` (Unix seconds) comes from sessions.json or the file's time. */
export function parseContinueSession(data: unknown, file: string, createdAt: number): ImportedConversation {
  if (!isContinueSession(data)) throw new ImportError(file, 'this is not a Continue session (it has no "sessionId" and "history").');
  const messages: ImportedMessage[] = [];
  const calls = new Map<string, ImportedToolCall>();
  (data.history as unknown[]).forEach((item, index) => {
    if (!isRecord(item) || !isRecord(item.message)) throw new ImportError(file, `history item ${index + 1} has no message.`);
    const message = item.message;
    const reasoning = isRecord(item.reasoning) ? item.reasoning : undefined;
    const at = toUnixSeconds(reasoning?.startAt, createdAt);
    const text = contentText(message.content);
    switch (message.role) {
      case 'user':
        messages.push({ role: 'user', text, createdAt: at });
        break;
      case 'assistant': {
        const states = Array.isArray(item.toolCallStates) ? item.toolCallStates : item.toolCallState ? [item.toolCallState] : [];
        let toolCalls = states.map(stateCall).filter((call): call is ImportedToolCall => call !== undefined);
        if (!toolCalls.length && Array.isArray(message.toolCalls)) {
          toolCalls = message.toolCalls.flatMap((call) =>
            isRecord(call) && isRecord(call.function)
              ? [
                  {
                    id: stringField(call.id),
                    name: stringField(call.function.name) ?? 'tool',
                    arguments: stringField(call.function.arguments) ?? '{}',
                    output: '',
                  },
                ]
              : [],
          );
        }
        for (const call of toolCalls) if (call.id) calls.set(call.id, call);
        const thought = stringField(reasoning?.text)?.trim();
        messages.push({
          role: 'assistant',
          text,
          createdAt: at,
          ...(toolCalls.length ? { toolCalls } : {}),
          ...(thought ? { reasoning: [thought] } : {}),
        });
        break;
      }
      case 'thinking':
        if (text.trim()) messages.push({ role: 'assistant', text: '', createdAt: at, reasoning: [text] });
        break;
      case 'tool': {
        // A tool result message answers a call made above; its output fills the call when the state had none.
        const call = calls.get(stringField(message.toolCallId) ?? '');
        if (call && !call.output) call.output = clipToolOutput(text);
        break;
      }
      default:
        break; // system messages are the assistant's instructions, not part of the conversation
    }
  });
  const conversation = foldMessages(messages);
  const title = stringField(data.title)?.trim();
  return {
    format: 'continue',
    sourceId: data.sessionId as string,
    title:
      title && title !== 'New Session' ? title : titleFromText(conversation.find((m) => m.role === 'user')?.text ?? '', 'Continue session'),
    createdAt,
    messages: conversation,
  };
}
