/**
 * OpenAI exports as JSON, in the shapes of the `openai` package's types (resources/conversations, beta/threads):
 * - Conversations: a conversation `{id: 'conv_…', object: 'conversation', created_at, metadata}` with its `items`
 *   (a list, or a page `{object: 'list', data}`), or `{conversation, items}`, or the items page alone. Items are
 *   messages (`content` parts input_text / output_text / text / refusal / input_image), function_call {call_id, name,
 *   arguments} and function_call_output {call_id, output}, custom_tool_call(_output), mcp_call, and reasoning
 *   {summary: [{text}]}; others (web search, file search, computer calls) are skipped.
 * - Assistants: a thread `{id: 'thread_…', object: 'thread', created_at}` with `messages` (a list or a page; thread
 *   messages with `content` [{type: 'text', text: {value}}]) and, optionally, `run_steps` whose tool_calls steps carry
 *   function calls with outputs; or `{thread, messages}`; or a page of thread messages alone.
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

const ITEM_TYPES = new Set([
  'message',
  'function_call',
  'function_call_output',
  'reasoning',
  'custom_tool_call',
  'custom_tool_call_output',
  'mcp_call',
]);

/** A list given either as an array or as a page `{data: [...]}`. */
function listOf(value: unknown): unknown[] | undefined {
  if (Array.isArray(value)) return value as unknown[];
  if (isRecord(value) && Array.isArray(value.data)) return value.data as unknown[];
  return undefined;
}

function isItem(value: unknown): boolean {
  return isRecord(value) && typeof value.type === 'string' && ITEM_TYPES.has(value.type);
}

function isThreadMessage(value: unknown): boolean {
  return (
    isRecord(value) &&
    (value.object === 'thread.message' || (typeof value.role === 'string' && Array.isArray(value.content) && 'thread_id' in value))
  );
}

/** The parts of an export: its header object (conversation or thread, possibly empty) and its items or messages. */
function partsOf(
  data: unknown,
): { kind: 'conversation' | 'thread'; header: Record<string, unknown>; entries: unknown[]; steps: unknown[] } | undefined {
  if (!isRecord(data)) return undefined;
  if (isRecord(data.conversation) || data.object === 'conversation') {
    const header = isRecord(data.conversation) ? data.conversation : data;
    const entries = listOf(data.items) ?? listOf(header.items);
    return entries ? { kind: 'conversation', header, entries, steps: [] } : undefined;
  }
  if (isRecord(data.thread) || data.object === 'thread') {
    const header = isRecord(data.thread) ? data.thread : data;
    const entries = listOf(data.messages) ?? listOf(header.messages);
    return entries ? { kind: 'thread', header, entries, steps: listOf(data.run_steps) ?? [] } : undefined;
  }
  const page = listOf(data.object === 'list' ? data : undefined);
  if (page?.length && page.every(isItem)) return { kind: 'conversation', header: {}, entries: page, steps: [] };
  if (page?.length && page.every(isThreadMessage)) return { kind: 'thread', header: {}, entries: page, steps: [] };
  return undefined;
}

/** Whether a parsed JSON document is an OpenAI conversation or thread export. */
export function isOpenAiExport(data: unknown): boolean {
  return partsOf(data) !== undefined;
}

function partText(part: unknown): string {
  if (!isRecord(part)) return typeof part === 'string' ? part : '';
  if (typeof part.text === 'string') return part.text; // input_text, output_text, text, summary_text
  if (isRecord(part.text) && typeof part.text.value === 'string') return part.text.value; // Assistants text part
  if (typeof part.refusal === 'string') return part.refusal;
  if (part.type === 'input_image' || part.type === 'image_file' || part.type === 'image_url') return '*(image)*';
  return '';
}

function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  return Array.isArray(content) ? content.map(partText).filter(Boolean).join('\n\n') : '';
}

function roleOf(value: unknown): 'user' | 'assistant' | undefined {
  return value === 'user' ? 'user' : value === 'assistant' ? 'assistant' : undefined; // system/developer: instructions
}

function fromItems(items: unknown[], file: string, createdAt: number): ImportedMessage[] {
  const messages: ImportedMessage[] = [];
  const calls = new Map<string, ImportedToolCall>();
  items.forEach((item, index) => {
    if (!isRecord(item) || typeof item.type !== 'string') throw new ImportError(file, `item ${index + 1} has no "type".`);
    const at = toUnixSeconds(item.created_at, createdAt);
    switch (item.type) {
      case 'message': {
        const role = roleOf(item.role);
        if (role) messages.push({ role, text: contentText(item.content), createdAt: at });
        break;
      }
      case 'function_call':
      case 'custom_tool_call':
      case 'mcp_call': {
        const call: ImportedToolCall = {
          id: stringField(item.call_id) ?? stringField(item.id),
          name: stringField(item.name) ?? 'tool',
          arguments: argumentsText(item.arguments ?? item.input),
          output: item.type === 'mcp_call' ? clipToolOutput(stringField(item.output) ?? stringField(item.error) ?? '') : '',
          failed: item.type === 'mcp_call' && typeof item.error === 'string' ? true : undefined,
        };
        if (call.id) calls.set(call.id, call);
        messages.push({ role: 'assistant', text: '', createdAt: at, toolCalls: [call] });
        break;
      }
      case 'function_call_output':
      case 'custom_tool_call_output': {
        const call = calls.get(stringField(item.call_id) ?? '');
        if (call) call.output = clipToolOutput(contentText(item.output));
        break;
      }
      case 'reasoning': {
        const summary = (Array.isArray(item.summary) ? item.summary : []).map(partText).filter((t) => t.trim());
        if (summary.length) messages.push({ role: 'assistant', text: '', createdAt: at, reasoning: summary });
        break;
      }
      default:
        break; // web search, file search, computer and image calls: nothing a thread can show
    }
  });
  return messages;
}

function fromThread(entries: unknown[], steps: unknown[], file: string, createdAt: number): ImportedMessage[] {
  const timed: { at: number; message: ImportedMessage }[] = [];
  entries.forEach((entry, index) => {
    if (!isRecord(entry)) throw new ImportError(file, `message ${index + 1} is not an object.`);
    const role = roleOf(entry.role);
    if (!role)
      throw new ImportError(
        file,
        `message ${index + 1} has role ${JSON.stringify(entry.role)}; a thread message is from the user or the assistant.`,
      );
    const at = toUnixSeconds(entry.created_at, createdAt);
    timed.push({ at, message: { role, text: contentText(entry.content), createdAt: at } });
  });
  for (const step of steps) {
    if (!isRecord(step) || !isRecord(step.step_details) || step.step_details.type !== 'tool_calls') continue;
    const calls = (listOf(step.step_details.tool_calls) ?? []).flatMap((call): ImportedToolCall[] =>
      isRecord(call) && isRecord(call.function)
        ? [
            {
              id: stringField(call.id),
              name: stringField(call.function.name) ?? 'tool',
              arguments: argumentsText(call.function.arguments),
              output: clipToolOutput(stringField(call.function.output) ?? ''),
            },
          ]
        : [],
    );
    const at = toUnixSeconds(step.created_at, createdAt);
    if (calls.length) timed.push({ at, message: { role: 'assistant', text: '', createdAt: at, toolCalls: calls } });
  }
  // The API lists newest first by default; a stable sort by time puts everything in the order it happened.
  const first = timed[0]?.at ?? 0;
  const last = timed[entries.length - 1]?.at ?? 0;
  if (first > last) timed.splice(0, entries.length, ...timed.slice(0, entries.length).reverse());
  return timed.sort((a, b) => a.at - b.at).map((t) => t.message);
}

/** An OpenAI conversation (items) or Assistants thread (messages) export as a conversation. */
export function parseOpenAiExport(data: unknown, file: string, fallbackTime: number): ImportedConversation {
  const parts = partsOf(data);
  if (!parts) throw new ImportError(file, 'this is not an OpenAI conversation or thread export (no items or messages list).');
  const { kind, header, entries, steps } = parts;
  const createdAt = toUnixSeconds(header.created_at, fallbackTime);
  const raw = kind === 'conversation' ? fromItems(entries, file, createdAt) : fromThread(entries, steps, file, createdAt);
  const messages = foldMessages(raw);
  const metadata = isRecord(header.metadata) ? header.metadata : {};
  const title = stringField(metadata.title) ?? stringField(metadata.topic) ?? stringField(header.title);
  return {
    format: 'openai',
    sourceId: stringField(header.id) ?? file,
    title:
      title?.trim() ||
      titleFromText(messages.find((m) => m.role === 'user')?.text ?? '', kind === 'thread' ? 'OpenAI thread' : 'OpenAI conversation'),
    createdAt: Math.min(createdAt, messages[0]?.createdAt ?? createdAt),
    messages,
  };
}
