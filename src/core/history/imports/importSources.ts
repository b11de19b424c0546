/**
 * Finds the conversations in the files and folders a person picked and parses each, one at a time (a Cline history can
 * be tens of megabytes: only one is in memory at once). Folders are searched a few levels down for chat session files,
 * Continue sessions and Cline task folders; links are not followed; files over the size limit are refused unread.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { parseClineTask } from './cline';
import { detectConversation, type ParsedSource } from './detectFormat';
import { IMPORT_LIMITS, ImportError, isRecord, toUnixSeconds } from './importedConversation';
import { replayVsCodeSessionLog } from './vscodeChat';

/** The files of a Cline task folder, by the names Cline gives them (claude_messages.json: early versions). */
const CLINE_FILES = { api: 'api_conversation_history.json', ui: ['ui_messages.json', 'claude_messages.json'] };
const CLINE_FILE_NAMES = new Set([CLINE_FILES.api, ...CLINE_FILES.ui, 'task_metadata.json', 'context_history.json']);
/** Files beside sessions that are indexes, not conversations (Continue's sessions.json). */
const INDEX_FILES = new Set(['sessions.json']);
/** How far below a picked folder conversations are looked for: workspaceStorage/<id>/chatSessions/<file> is 2 below. */
const MAX_DEPTH = 3;

/**
 * One conversation found, parsed (or why it could not be), with the file or folder it came from. A JSON file of no
 * known format found while searching a folder (workspace.json, another extension's settings) is `passedOver`: only a
 * file the user picked itself is an error for being in no known format.
 */
export type FoundConversation =
  { file: string; parsed: ParsedSource } | { file: string; error: ImportError } | { file: string; passedOver: ImportError };

type Source = { kind: 'file'; path: string; picked: boolean } | { kind: 'clineTask'; folder: string };

async function isFile(file: string): Promise<boolean> {
  return fs.lstat(file).then(
    (s) => s.isFile(),
    () => false,
  );
}

/** The sources under `target`: a task folder is one source, a file is one, a folder is searched `depth` levels more. */
async function collect(target: string, depth: number, out: Source[], problems: ImportError[], seen: Set<string>): Promise<void> {
  if (out.length >= IMPORT_LIMITS.maxSources) return;
  let stat;
  try {
    stat = await fs.lstat(target);
  } catch (error) {
    problems.push(new ImportError(target, `cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`));
    return;
  }
  if (stat.isSymbolicLink()) {
    if (depth === 0) problems.push(new ImportError(target, 'is a link; pick the file or folder it points to.'));
    return;
  }
  if (stat.isFile()) {
    const name = path.basename(target);
    if (CLINE_FILE_NAMES.has(name)) {
      const folder = path.dirname(target);
      if (!seen.has(folder)) {
        seen.add(folder);
        out.push({ kind: 'clineTask', folder });
      }
    } else if ((/\.jsonl?$/i.test(name) && !INDEX_FILES.has(name)) || depth === 0) {
      if (!seen.has(target)) {
        seen.add(target);
        out.push({ kind: 'file', path: target, picked: depth === 0 });
      }
    }
    return;
  }
  if (!stat.isDirectory()) return;
  if (
    (await isFile(path.join(target, CLINE_FILES.api))) ||
    (await Promise.all(CLINE_FILES.ui.map((ui) => isFile(path.join(target, ui))))).some(Boolean)
  ) {
    if (!seen.has(target)) {
      seen.add(target);
      out.push({ kind: 'clineTask', folder: target });
    }
    return;
  }
  if (depth >= MAX_DEPTH) return;
  let names: string[];
  try {
    names = (await fs.readdir(target)).sort();
  } catch (error) {
    problems.push(new ImportError(target, `cannot be listed (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`));
    return;
  }
  for (const name of names) {
    if (out.length >= IMPORT_LIMITS.maxSources) {
      problems.push(
        new ImportError(target, `holds more than ${IMPORT_LIMITS.maxSources} conversations; import its folders one at a time.`),
      );
      return;
    }
    await collect(path.join(target, name), depth + 1, out, problems, seen);
  }
}

function sizeText(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round(bytes / (1024 * 1024))} MB` : `${bytes} bytes`;
}

/** A file's text, refused unread when it is over the size limit. */
async function readText(file: string, shownAs: string, maxBytes: number): Promise<{ text: string; modifiedAt: number }> {
  const stat = await fs.stat(file);
  if (stat.size > maxBytes) {
    throw new ImportError(shownAs, `is ${sizeText(stat.size)}, more than the ${sizeText(maxBytes)} an import reads at once.`);
  }
  return { text: await fs.readFile(file, 'utf8'), modifiedAt: Math.floor(stat.mtimeMs / 1000) };
}

function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (error) {
    throw new ImportError(file, `is not valid JSON (${(error as Error).message}).`);
  }
}

async function readJsonIfThere(file: string, maxBytes: number): Promise<unknown> {
  if (!(await isFile(file))) return undefined;
  return parseJson((await readText(file, file, maxBytes)).text, file);
}

/** Continue keeps each session's creation time in sessions.json beside the sessions; read once per folder. */
async function continueDates(folder: string, cache: Map<string, Map<string, number>>, maxBytes: number): Promise<Map<string, number>> {
  let dates = cache.get(folder);
  if (!dates) {
    dates = new Map();
    cache.set(folder, dates);
    const index = await readJsonIfThere(path.join(folder, 'sessions.json'), maxBytes).catch(() => undefined);
    if (Array.isArray(index)) {
      for (const entry of index) {
        if (isRecord(entry) && typeof entry.sessionId === 'string') dates.set(entry.sessionId, toUnixSeconds(entry.dateCreated, 0));
      }
    }
  }
  return dates;
}

async function parseSource(source: Source, continueCache: Map<string, Map<string, number>>, maxBytes: number): Promise<ParsedSource> {
  if (source.kind === 'clineTask') {
    const { folder } = source;
    const apiHistory = await readJsonIfThere(path.join(folder, CLINE_FILES.api), maxBytes);
    let uiMessages: unknown;
    for (const name of CLINE_FILES.ui) uiMessages ??= await readJsonIfThere(path.join(folder, name), maxBytes);
    const stat = await fs.stat(folder);
    return {
      kind: 'conversation',
      conversation: parseClineTask({ taskId: path.basename(folder), folder, apiHistory, uiMessages }, Math.floor(stat.mtimeMs / 1000)),
    };
  }
  const file = source.path;
  const { text, modifiedAt } = await readText(file, file, maxBytes);
  const data = /\.jsonl$/i.test(file) ? replayVsCodeSessionLog(text, file) : parseJson(text, file);
  const dates = await continueDates(path.dirname(file), continueCache, maxBytes);
  return detectConversation(data, file, { fallbackTime: modifiedAt, continueCreatedAt: (sessionId) => dates.get(sessionId) || undefined });
}

/**
 * Every conversation in the picked files and folders, parsed one at a time as the caller asks for the next; a source
 * that cannot be read or is not in a known format comes as an error naming it.
 */
export async function* findConversations(
  targets: readonly string[],
  { maxFileBytes = IMPORT_LIMITS.maxFileBytes }: { maxFileBytes?: number } = {},
): AsyncGenerator<FoundConversation> {
  const sources: Source[] = [];
  const problems: ImportError[] = [];
  const seen = new Set<string>();
  for (const target of targets) {
    const before = sources.length + problems.length;
    await collect(path.resolve(target), 0, sources, problems, seen);
    if (sources.length + problems.length === before)
      problems.push(
        new ImportError(
          path.resolve(target),
          'holds no conversations: no .json or .jsonl chat files, Continue sessions or Cline task folders.',
        ),
      );
  }
  for (const error of problems) yield { file: error.file, error };
  const continueCache = new Map<string, Map<string, number>>();
  for (const source of sources) {
    const file = source.kind === 'file' ? source.path : source.folder;
    try {
      yield { file, parsed: await parseSource(source, continueCache, maxFileBytes) };
    } catch (error) {
      if (error instanceof ImportError && error.unrecognized && source.kind === 'file' && !source.picked) yield { file, passedOver: error };
      else
        yield {
          file,
          error: error instanceof ImportError ? error : new ImportError(file, `could not be imported: ${(error as Error).message}`),
        };
    }
  }
}
