/**
 * The neutral shape every importer produces: a conversation from another assistant, reduced to what a thread can
 * hold (user and assistant messages with text, tool calls with their outputs, reasoning summaries, timestamps).
 * Parsers are pure functions from parsed JSON to this shape; one writer (importWriter.ts) puts it in the store.
 */

/** The formats Import Conversations reads; also the value of the thread's `import_source` metadata. */
export type ImportFormat = 'vscode-chat' | 'cline' | 'continue' | 'openai' | 'agent-threads';

/** What a person calls each format, for messages. */
export const FORMAT_NAMES: Record<ImportFormat, string> = {
  'vscode-chat': 'VS Code chat session',
  cline: 'Cline task',
  continue: 'Continue session',
  openai: 'OpenAI conversation export',
  'agent-threads': 'Agent Threads thread export',
};

export interface ImportedToolCall {
  /** The source's call id, when it has one that can be kept. */
  id?: string;
  name: string;
  /** The arguments as JSON text (or the source's own description of the call when it kept no arguments). */
  arguments: string;
  output: string;
  failed?: boolean;
}

export interface ImportedMessage {
  role: 'user' | 'assistant';
  text: string;
  /** Unix seconds. */
  createdAt: number;
  toolCalls?: ImportedToolCall[];
  /** Reasoning the source kept in the clear, paragraph by paragraph. */
  reasoning?: string[];
}

export interface ImportedConversation {
  format: ImportFormat;
  /** The source's own id of the conversation (session id, task id, conversation or thread id). */
  sourceId: string;
  title: string;
  /** Unix seconds. */
  createdAt: number;
  messages: ImportedMessage[];
}

/** Why a file (or one conversation in it) cannot be imported; the message names the file and says what to do. */
export class ImportError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
    /** True when the file is JSON of no known format (found in a folder, such a file is passed over, not reported). */
    readonly unrecognized = false,
  ) {
    super(`${file}: ${reason}`);
    this.name = 'ImportError';
  }
}

/** Limits that keep a hostile or broken file from exhausting the extension host. */
export const IMPORT_LIMITS = {
  /** Bytes of one file read and parsed whole. */
  maxFileBytes: 100 * 1024 * 1024,
  /** Messages of one conversation (the store's own limit per thread). */
  maxMessages: 100_000,
  /** Characters of one tool output kept; the rest is cut with a note (a tool may have returned a whole file). */
  maxToolOutputChars: 64 * 1024,
  /** Conversations one import looks at (files and task folders together). */
  maxSources: 10_000,
};

/** A plain object (not an array, not null), the shape every format's containers have. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A string field, or undefined when absent or of another type. */
export function stringField(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

const YEAR_2000 = 946_684_800;

/**
 * A timestamp from the source in Unix seconds: numbers above 10^11 are taken as milliseconds (every format here uses
 * one or the other), numeric strings as numbers; anything else, or a time before 2000 or more than a day ahead, gives
 * `fallback`.
 */
export function toUnixSeconds(value: unknown, fallback: number): number {
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isFinite(number)) return fallback;
  const seconds = Math.floor(number > 1e11 ? number / 1000 : number);
  return seconds < YEAR_2000 || seconds > Date.now() / 1000 + 86_400 ? fallback : seconds;
}

/** A title from the first line of a message: trimmed, at most 80 characters, cut at a word where it can. */
export function titleFromText(text: string, fallback: string): string {
  const line =
    text
      .split('\n')
      .map((l) => l.trim())
      .find(Boolean) ?? '';
  if (!line) return fallback;
  if (line.length <= 80) return line;
  const cut = line.slice(0, 80);
  const space = cut.lastIndexOf(' ');
  return `${space > 40 ? cut.slice(0, space) : cut}…`;
}

/** A tool output as kept: at most maxToolOutputChars, with a note saying how much was cut. */
export function clipToolOutput(output: string): string {
  const max = IMPORT_LIMITS.maxToolOutputChars;
  return output.length <= max ? output : `${output.slice(0, max)}\n… (${output.length - max} more characters not imported)`;
}

/** JSON text of a value a source gave as an object (tool arguments); a value nested too deep to write gives "{}". */
export function argumentsText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined) return '{}';
  try {
    return JSON.stringify(value) ?? '{}';
  } catch {
    return '{}'; // nested beyond the stack (a hostile file): the call is still shown, without its arguments
  }
}

/**
 * Messages in order with neighbours of the same role folded into one (a source may split an answer around tool
 * calls, or keep a tool result as its own turn); empty messages dropped; times made non-decreasing (a source that
 * keeps times for some messages only must not show an answer before its question).
 */
export function foldMessages(messages: ImportedMessage[]): ImportedMessage[] {
  const folded: ImportedMessage[] = [];
  let latest = 0;
  for (const original of messages) {
    latest = Math.max(latest, original.createdAt);
    const message = { ...original, createdAt: latest };
    const empty = !message.text.trim() && !message.toolCalls?.length && !message.reasoning?.length;
    if (empty) continue;
    const last = folded[folded.length - 1];
    // Text after tool calls starts a new message, so words and calls keep the order the user saw them in.
    if (last && last.role === message.role && !(last.toolCalls?.length && message.text.trim())) {
      last.text = [last.text, message.text].filter((t) => t.trim()).join('\n\n');
      if (message.toolCalls?.length) last.toolCalls = [...(last.toolCalls ?? []), ...message.toolCalls];
      if (message.reasoning?.length) last.reasoning = [...(last.reasoning ?? []), ...message.reasoning];
      continue;
    }
    folded.push({ ...message, toolCalls: message.toolCalls ? [...message.toolCalls] : undefined });
  }
  return folded;
}
