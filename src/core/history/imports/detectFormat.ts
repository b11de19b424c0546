import { isClineApiHistory, isClineUiMessages } from './cline';
import { isContinueSession, parseContinueSession } from './continueSession';
import { FORMAT_NAMES, ImportError, isRecord, type ImportedConversation } from './importedConversation';
import { isOpenAiExport, parseOpenAiExport } from './openaiExport';
import { isVsCodeChatSession, parseVsCodeChatSession } from './vscodeChat';

/** A parsed source: a conversation from another assistant, or one of our own thread exports (imported with its runs). */
export type ParsedSource = { kind: 'conversation'; conversation: ImportedConversation } | { kind: 'threadExport'; data: unknown };

export interface DetectOptions {
  /** Unix seconds to use where the source keeps no time (the file's modification time). */
  fallbackTime: number;
  /** A Continue session's creation time from its sessions.json, when known. */
  continueCreatedAt?: (sessionId: string) => number | undefined;
}

/** What the top level of a document looks like, for the message that says it is in no known format. */
function describe(data: unknown): string {
  if (Array.isArray(data)) return `a list of ${data.length} entries`;
  if (isRecord(data)) {
    const keys = Object.keys(data).slice(0, 6);
    return keys.length
      ? `an object with ${keys.map((k) => `"${k}"`).join(', ')}${Object.keys(data).length > 6 ? ', …' : ''}`
      : 'an empty object';
  }
  return data === null ? 'null' : `a ${typeof data}`;
}

/** Which format a parsed JSON document is in, and the conversation it holds; an ImportError naming `file` otherwise. */
export function detectConversation(data: unknown, file: string, options: DetectOptions): ParsedSource {
  if (isRecord(data) && data.format === 'agent-threads/thread') return { kind: 'threadExport', data };
  if (isVsCodeChatSession(data)) return { kind: 'conversation', conversation: parseVsCodeChatSession(data, file, options.fallbackTime) };
  if (isContinueSession(data)) {
    const createdAt = options.continueCreatedAt?.(data.sessionId as string) ?? options.fallbackTime;
    return { kind: 'conversation', conversation: parseContinueSession(data, file, createdAt) };
  }
  if (isOpenAiExport(data)) return { kind: 'conversation', conversation: parseOpenAiExport(data, file, options.fallbackTime) };
  if (isClineApiHistory(data) || isClineUiMessages(data))
    throw new ImportError(
      file,
      'this looks like a file of a Cline task; pick the task folder (or the tasks folder) so its history and timestamps are read together.',
    );
  const known = Object.values(FORMAT_NAMES).join(', ');
  throw new ImportError(file, `this is not a conversation Agent Threads can import (it is ${describe(data)}). It reads: ${known}.`, true);
}
