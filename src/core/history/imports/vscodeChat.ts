/**
 * VS Code chat sessions, as VS Code writes them under `workspaceStorage/<id>/chatSessions/` (and
 * `globalStorage/emptyWindowChatSessions/` for windows without a folder), learned from microsoft/vscode's
 * `chatModel.ts` (ISerializableChatData 1..3) and `chatSessionStore.ts`:
 * - `<sessionId>.json`: one ISerializableChatData. Version 1 has no `version` field; 2 adds `lastMessageDate` and
 *   `computedTitle`; 3 (current) has `customTitle` instead.
 * - `<sessionId>.jsonl` (newer releases): an ObjectMutationLog (`objectMutationLog.ts`) of the same data: a first line
 *   `{kind: 0, v: <data>}`, then `{kind: 1, k: path, v}` sets, `{kind: 2, k: path, v?, i?}` array pushes (truncating
 *   to `i` first) and `{kind: 3, k: path}` deletes.
 * Each request is the user's message (`message.text`, or a plain string in old files) with a `timestamp` (ms) and its
 * response: parts that are Markdown (`{value}` or `{kind: 'markdownContent', content: {value}}`), tool invocations
 * (`toolInvocationSerialized`), thinking, and kinds without text (edits, references, progress), which are skipped.
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

/** The session data versions this importer knows (1 is the one without a `version` field). */
export const KNOWN_VSCODE_CHAT_VERSIONS = [1, 2, 3];

/** Whether a parsed JSON document looks like a VS Code chat session (IExportableChatData: requests and a responder). */
export function isVsCodeChatSession(data: unknown): data is Record<string, unknown> {
  return (
    isRecord(data) && Array.isArray(data.requests) && (typeof data.responderUsername === 'string' || typeof data.sessionId === 'string')
  );
}

/** A Markdown string of VS Code (IMarkdownString) or a plain string, as text. */
function markdownText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (isRecord(value) && typeof value.value === 'string') return value.value;
  return undefined;
}

/** The text of a tool's result details (IToolResultInputOutputDetails: output parts with `value` text). */
function toolOutput(part: Record<string, unknown>): string {
  const details = part.resultDetails;
  if (isRecord(details) && Array.isArray(details.output)) {
    const texts = details.output
      .map((o) => (isRecord(o) && typeof o.value === 'string' && o.isText !== false ? o.value : ''))
      .filter(Boolean);
    if (texts.length) return texts.join('\n');
  }
  return markdownText(part.pastTenseMessage) ?? markdownText(part.invocationMessage) ?? '';
}

function toolCallOf(part: Record<string, unknown>): ImportedToolCall {
  const details = part.resultDetails;
  const input = isRecord(details) ? details.input : undefined;
  return {
    id: stringField(part.toolCallId),
    name: stringField(part.toolId) ?? 'tool',
    arguments: input !== undefined ? argumentsText(input) : JSON.stringify({ description: markdownText(part.invocationMessage) ?? '' }),
    output: clipToolOutput(toolOutput(part)),
    failed: isRecord(details) && details.isError === true ? true : undefined,
  };
}

/** The answer of one request, as assistant messages in the order the parts came (text, then calls, then text…). */
function responseMessages(response: unknown, at: number): ImportedMessage[] {
  if (!Array.isArray(response)) return [];
  const messages: ImportedMessage[] = [];
  for (const part of response) {
    if (!isRecord(part)) continue;
    const kind = stringField(part.kind);
    if (kind === undefined || kind === 'markdownContent' || kind === 'markdownVuln') {
      const text = markdownText(kind ? part.content : part);
      if (text) messages.push({ role: 'assistant', text, createdAt: at });
    } else if (kind === 'inlineReference') {
      const name = stringField(part.name) ?? '';
      if (name) messages.push({ role: 'assistant', text: `\`${name}\``, createdAt: at });
    } else if (kind === 'toolInvocationSerialized' || kind === 'toolInvocation') {
      messages.push({ role: 'assistant', text: '', createdAt: at, toolCalls: [toolCallOf(part)] });
    } else if (kind === 'thinking') {
      const value = part.value;
      const paragraphs = (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string' && v.trim() !== '');
      if (paragraphs.length) messages.push({ role: 'assistant', text: '', createdAt: at, reasoning: paragraphs });
    }
    // Edits, references, progress, confirmations, undo stops: nothing a thread shows as a message.
  }
  // Markdown parts are pieces of one stream: join neighbours without the paragraph break foldMessages would add.
  const joined: ImportedMessage[] = [];
  for (const message of messages) {
    const last = joined[joined.length - 1];
    if (last && !last.toolCalls && !last.reasoning && !message.toolCalls && !message.reasoning) last.text += message.text;
    else joined.push(message);
  }
  return joined;
}

/** A VS Code chat session (any known version) as a conversation; `file` names it in errors. */
export function parseVsCodeChatSession(data: unknown, file: string, fallbackTime: number): ImportedConversation {
  if (!isVsCodeChatSession(data)) throw new ImportError(file, 'this is not a VS Code chat session (it has no "requests" list).');
  const version = data.version === undefined ? 1 : data.version;
  if (typeof version !== 'number' || !KNOWN_VSCODE_CHAT_VERSIONS.includes(version)) {
    throw new ImportError(
      file,
      `this is a VS Code chat session of version ${JSON.stringify(version)}, which this release of Agent Threads does not know (it reads versions ${KNOWN_VSCODE_CHAT_VERSIONS.join(', ')}). Update Agent Threads, or export the chat from VS Code (Chat: Export Chat…) and import that.`,
    );
  }
  const createdAt = toUnixSeconds(data.creationDate, fallbackTime);
  const lastAt = toUnixSeconds(data.lastMessageDate, createdAt);
  const messages: ImportedMessage[] = [];
  let firstText = '';
  for (const request of data.requests as unknown[]) {
    if (!isRecord(request)) continue;
    const at = toUnixSeconds(request.timestamp, lastAt);
    const message = request.message;
    const text = typeof message === 'string' ? message : isRecord(message) ? (stringField(message.text) ?? '') : '';
    firstText ||= text;
    messages.push({ role: 'user', text, createdAt: at });
    const modelState = request.modelState;
    const answeredAt = toUnixSeconds(isRecord(modelState) ? modelState.completedAt : undefined, at);
    messages.push(...responseMessages(request.response, answeredAt));
  }
  const customTitle = stringField(version === 2 ? data.computedTitle : data.customTitle);
  return {
    format: 'vscode-chat',
    sourceId: stringField(data.sessionId) ?? file,
    title: customTitle?.trim() || titleFromText(firstText, 'VS Code chat'),
    createdAt,
    messages: foldMessages(messages),
  };
}

const FORBIDDEN_KEYS = new Set(['__proto__', 'prototype', 'constructor']);

/** The container at `path` (all but the last segment), checked at each step so a hostile log cannot reach prototypes. */
function containerAt(state: unknown, path: unknown[], file: string, line: number): Record<string | number, unknown> {
  let current = state;
  for (const segment of path.slice(0, -1)) {
    if (!isRecord(current) && !Array.isArray(current)) throw new ImportError(file, `line ${line} changes a path that does not exist.`);
    current = (current as Record<string | number, unknown>)[segment as string | number];
  }
  if (!isRecord(current) && !Array.isArray(current)) throw new ImportError(file, `line ${line} changes a path that does not exist.`);
  return current as Record<string | number, unknown>;
}

function checkPath(path: unknown, file: string, line: number): (string | number)[] {
  if (!Array.isArray(path) || path.length === 0 || path.length > 64) throw new ImportError(file, `line ${line} has no valid "k" path.`);
  for (const segment of path) {
    if (
      !(typeof segment === 'string' || (typeof segment === 'number' && Number.isInteger(segment) && segment >= 0)) ||
      FORBIDDEN_KEYS.has(String(segment))
    )
      throw new ImportError(file, `line ${line} has a path segment ${JSON.stringify(segment)} that a chat session never uses.`);
  }
  return path as (string | number)[];
}

/**
 * Replays a VS Code chat session log (`.jsonl`, ObjectMutationLog) into the session data it describes. A torn last
 * line (VS Code was killed while appending) is ignored, as VS Code itself would lose only that change.
 */
export function replayVsCodeSessionLog(text: string, file: string): unknown {
  const lines = text.split('\n');
  let state: unknown;
  let seen = 0;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i].trim();
    if (!raw) continue;
    let entry: unknown;
    try {
      entry = JSON.parse(raw);
    } catch (error) {
      if (lines.slice(i + 1).every((rest) => !rest.trim())) break; // the torn last line
      throw new ImportError(file, `line ${i + 1} is not JSON (${(error as Error).message}).`);
    }
    seen++;
    if (!isRecord(entry) || typeof entry.kind !== 'number')
      throw new ImportError(file, `line ${i + 1} is not a chat session log entry (no "kind").`);
    if (entry.kind === 0) {
      state = entry.v;
      continue;
    }
    if (state === undefined) throw new ImportError(file, 'the log has no initial entry (kind 0) before its changes.');
    const path = checkPath(entry.k, file, i + 1);
    const container = containerAt(state, path, file, i + 1);
    const key = path[path.length - 1];
    if (entry.kind === 1) container[key] = entry.v;
    else if (entry.kind === 3) delete container[key];
    else if (entry.kind === 2) {
      const array = Array.isArray(container[key]) ? (container[key] as unknown[]) : [];
      if (typeof entry.i === 'number' && Number.isInteger(entry.i) && entry.i >= 0) array.length = Math.min(array.length, entry.i);
      if (Array.isArray(entry.v)) for (const value of entry.v) array.push(value);
      container[key] = array;
    } else throw new ImportError(file, `line ${i + 1} has an entry kind ${entry.kind} this release does not know.`);
  }
  if (seen === 0 || state === undefined) throw new ImportError(file, 'the chat session log is empty.');
  return state;
}
