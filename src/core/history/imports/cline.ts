/**
 * Cline tasks, as Cline keeps them in VS Code's global storage (`saoudrizwan.claude-dev/tasks/<taskId>/`), learned from
 * cline/cline's `ClineStorageMessage` (src/shared/messages) and `ClineMessage` (src/shared/ExtensionMessage.ts):
 * - `api_conversation_history.json`: the conversation as sent to the model, Anthropic MessageParams (`role`,
 *   `content` as a string or blocks: text, image, tool_use {id, name, input}, tool_result {tool_use_id, content,
 *   is_error}, thinking), newer versions with a `ts` (ms) per message.
 * - `ui_messages.json`: what the task view showed, ClineMessages (`ts`, `type` 'say' | 'ask', `say`/`ask`, `text`).
 *   Used for timestamps (and for the whole conversation when the API history is missing).
 * The task id is the time the task started (ms).
 */
import {
  argumentsText,
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

/** What a task folder holds, each file parsed (undefined when missing). */
export interface ClineTaskFiles {
  taskId: string;
  /** The folder, for messages. */
  folder: string;
  apiHistory?: unknown;
  uiMessages?: unknown;
}

/** Whether a parsed JSON document is a Cline API history (a list of role/content messages). */
export function isClineApiHistory(data: unknown): data is unknown[] {
  return (
    Array.isArray(data) &&
    data.length > 0 &&
    data.every((m) => isRecord(m) && (m.role === 'user' || m.role === 'assistant') && 'content' in m)
  );
}

/** Whether a parsed JSON document is a Cline UI message list (ts, type say/ask). */
export function isClineUiMessages(data: unknown): data is unknown[] {
  return (
    Array.isArray(data) &&
    data.length > 0 &&
    data.every((m) => isRecord(m) && typeof m.ts === 'number' && (m.type === 'say' || m.type === 'ask'))
  );
}

/** Cline wraps the first request in <task> and appends <environment_details> to user turns: neither is the user's text. */
function cleanUserText(text: string): string {
  return text
    .replace(/<environment_details>[\s\S]*?<\/environment_details>/g, '')
    .replace(/^\s*<task>\s*([\s\S]*?)\s*<\/task>/, '$1')
    .trim();
}

function blockText(block: unknown): string {
  if (typeof block === 'string') return block;
  if (!isRecord(block)) return '';
  if (block.type === 'text') return stringField(block.text) ?? '';
  if (block.type === 'image') return '*(image)*';
  return '';
}

function toolResultText(content: unknown): string {
  if (Array.isArray(content)) return content.map(blockText).filter(Boolean).join('\n');
  return blockText(content);
}

function messagesFromApiHistory(history: unknown[], folder: string, times: (index: number) => number): ImportedMessage[] {
  const messages: ImportedMessage[] = [];
  const calls = new Map<string, ImportedToolCall>();
  history.forEach((entry, index) => {
    if (!isRecord(entry) || (entry.role !== 'user' && entry.role !== 'assistant'))
      throw new ImportError(folder, `api_conversation_history.json message ${index + 1} has no role user or assistant.`);
    const role = entry.role;
    const createdAt = toUnixSeconds(entry.ts, times(index));
    const blocks: unknown[] =
      typeof entry.content === 'string' ? [{ type: 'text', text: entry.content }] : Array.isArray(entry.content) ? entry.content : [];
    const texts: string[] = [];
    const toolCalls: ImportedToolCall[] = [];
    const reasoning: string[] = [];
    for (const block of blocks) {
      if (!isRecord(block)) continue;
      if (block.type === 'tool_use' && role === 'assistant') {
        const call: ImportedToolCall = {
          id: stringField(block.id),
          name: stringField(block.name) ?? 'tool',
          arguments: argumentsText(block.input),
          output: '',
        };
        toolCalls.push(call);
        if (call.id) calls.set(call.id, call);
      } else if (block.type === 'tool_result') {
        const call = calls.get(stringField(block.tool_use_id) ?? '');
        if (call) {
          call.output = clipToolOutput(toolResultText(block.content));
          if (block.is_error === true) call.failed = true;
        } else texts.push(toolResultText(block.content)); // a result without its call: keep its words
      } else if (block.type === 'thinking' && typeof block.thinking === 'string' && block.thinking.trim()) {
        reasoning.push(block.thinking);
      } else {
        const text = blockText(block);
        if (text) texts.push(text);
      }
    }
    const text = texts.join('\n\n');
    messages.push({
      role,
      text: role === 'user' ? cleanUserText(text) : text.trim(),
      createdAt,
      ...(toolCalls.length ? { toolCalls } : {}),
      ...(reasoning.length ? { reasoning } : {}),
    });
  });
  return messages;
}

/** The words of the UI messages a person would recognise as the conversation (task, answers, feedback, results). */
function messagesFromUi(ui: unknown[], fallback: number): ImportedMessage[] {
  const messages: ImportedMessage[] = [];
  for (const entry of ui) {
    if (!isRecord(entry) || entry.partial === true) continue;
    const text = stringField(entry.text)?.trim();
    if (!text) continue;
    const at = toUnixSeconds(entry.ts, fallback);
    const kind = entry.type === 'say' ? entry.say : entry.ask;
    if (kind === 'task' || kind === 'user_feedback') messages.push({ role: 'user', text, createdAt: at });
    else if (kind === 'text' || kind === 'completion_result' || kind === 'followup' || kind === 'plan_mode_respond')
      messages.push({ role: 'assistant', text, createdAt: at });
  }
  return messages;
}

/** A Cline task (its API history, else its UI messages) as a conversation. */
export function parseClineTask(task: ClineTaskFiles, fallbackTime: number): ImportedConversation {
  const { apiHistory, uiMessages, folder } = task;
  const hasApi = apiHistory !== undefined;
  const hasUi = uiMessages !== undefined;
  if (!hasApi && !hasUi)
    throw new ImportError(folder, 'this folder has neither api_conversation_history.json nor ui_messages.json, so it is not a Cline task.');
  if (hasApi && !Array.isArray(apiHistory)) throw new ImportError(folder, 'api_conversation_history.json is not a list of messages.');
  if (hasUi && !Array.isArray(uiMessages)) throw new ImportError(folder, 'ui_messages.json is not a list of messages.');
  const ui = (uiMessages as unknown[] | undefined) ?? [];
  const startedAt = toUnixSeconds(
    Number(task.taskId),
    toUnixSeconds((ui.find(isRecord) as { ts?: unknown } | undefined)?.ts, fallbackTime),
  );

  // Older API histories have no `ts`: the UI message that names the history index gives the time, else the last one before.
  const timeByIndex = new Map<number, number>();
  for (const entry of ui) {
    if (isRecord(entry) && typeof entry.conversationHistoryIndex === 'number')
      timeByIndex.set(entry.conversationHistoryIndex, toUnixSeconds(entry.ts, startedAt));
  }
  let lastTime = startedAt;
  const times = (index: number): number => {
    lastTime = timeByIndex.get(index) ?? timeByIndex.get(index - 1) ?? lastTime;
    return lastTime;
  };

  const raw =
    apiHistory !== undefined && (apiHistory as unknown[]).length
      ? messagesFromApiHistory(apiHistory as unknown[], folder, times)
      : messagesFromUi(ui, startedAt);
  const messages = foldMessages(raw);
  if (!messages.length) throw new ImportError(folder, 'this Cline task has no messages to import.');
  const firstUser = messages.find((m) => m.role === 'user')?.text ?? '';
  return {
    format: 'cline',
    sourceId: task.taskId,
    title: titleFromText(firstUser, 'Cline task'),
    createdAt: startedAt,
    messages,
  };
}
