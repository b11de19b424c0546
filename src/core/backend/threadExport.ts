import { StoreError } from '../domain/errors';
import { isValidId, newId } from '../domain/ids';
import { type Message, type MessageInput } from '../domain/message';
import type { Run, RunStep } from '../domain/run';
import type { Thread } from '../domain/thread';
import { redactDeep, redactSecrets } from '../util/secretRedaction';
import type { Page } from '../domain/pagination';
import { validateMessageInput } from '../store/messageValidation';
import type { ThreadStore } from '../store/threadStore';
import type { ThreadRepository } from './backend';

/** A thread as exported to JSON: Assistants-shaped thread, message list, runs and run steps. */
export interface ThreadExport {
  format: 'agent-threads/thread';
  version: 1;
  thread: Thread;
  messages: Page<Message>;
  runs: Run[];
  run_steps: RunStep[];
}

/** Where a thread is exported from: any backend's threads. */
type ExportSource = Pick<ThreadRepository, 'get' | 'listMessages' | 'listRuns' | 'listRunSteps'>;
/** Where one is imported to: any backend's threads; runs and steps are kept where the backend can store them. */
type ImportTarget = Pick<ThreadRepository, 'get' | 'create'> & Partial<Pick<ThreadStore, 'saveRun' | 'saveRunStep'>>;

/** Every message, oldest first, a page at a time (pages of 100 are the most a remote backend gives). */
async function allMessages(store: Pick<ThreadRepository, 'listMessages'>, threadId: string): Promise<Message[]> {
  const messages: Message[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await store.listMessages(threadId, { order: 'asc', limit: 100, after });
    messages.push(...page.data);
    if (!page.has_more || !page.last_id) return messages;
    after = page.last_id;
  }
}

/**
 * The whole thread as one JSON-serialisable object. An export leaves the extension's control (it is shared, committed,
 * attached to bug reports), so the user's stored API keys (`knownSecrets`) and key-shaped text are redacted wherever
 * they appear: a pasted message, a tool output, a run's last_error.
 */
export async function exportThreadJson(store: ExportSource, threadId: string, knownSecrets: readonly string[] = []): Promise<ThreadExport> {
  const [thread, messages, runs, runSteps] = await Promise.all([
    store.get(threadId),
    allMessages(store, threadId),
    store.listRuns(threadId),
    store.listRunSteps(threadId),
  ]);
  return redactDeep<ThreadExport>(
    {
      format: 'agent-threads/thread',
      version: 1,
      thread,
      messages: {
        object: 'list',
        data: messages,
        first_id: messages[0]?.id ?? null,
        last_id: messages[messages.length - 1]?.id ?? null,
        has_more: false,
      },
      runs,
      run_steps: runSteps,
    },
    knownSecrets,
  );
}

function invalid(reason: string): never {
  throw new StoreError('invalid_import', `This file is not a thread export: ${reason}.`);
}

/**
 * Creates a thread from an export after validating it. Ids that are malformed, repeated, or (for the thread) already
 * taken are replaced by new ones, and references to them (message.run_id, step.run_id) follow.
 */
export async function importThreadJson(store: ImportTarget, data: unknown): Promise<Thread> {
  const doc = data as Partial<ThreadExport> | null;
  if (typeof doc !== 'object' || doc === null || doc.format !== 'agent-threads/thread') invalid('the format field is missing');
  if (doc.version !== 1) invalid(`version ${String(doc.version)} is not supported`);
  if (typeof doc.thread !== 'object' || doc.thread === null) invalid('the thread object is missing');
  if (!Array.isArray(doc.messages?.data)) invalid('messages.data must be a list');
  const runs = doc.runs ?? [];
  const steps = doc.run_steps ?? [];
  if (!Array.isArray(runs) || !Array.isArray(steps)) invalid('runs and run_steps must be lists');

  const seen = new Set<string>();
  const fresh = (prefix: 'msg' | 'run' | 'step', id: unknown): string => {
    const kept = isValidId(prefix, id) && !seen.has(id) ? id : newId(prefix);
    seen.add(kept);
    return kept;
  };
  const runIds = new Map<string, string>();
  for (const run of runs) runIds.set(run.id, fresh('run', run.id));
  const messages: MessageInput[] = doc.messages.data.map((message, i) => {
    const input: MessageInput = {
      ...message,
      id: fresh('msg', message.id),
      run_id: message.run_id ? (runIds.get(message.run_id) ?? null) : null,
    };
    try {
      validateMessageInput(input);
    } catch (err) {
      invalid(`message ${i + 1}: ${(err as Error).message}`);
    }
    return input;
  });

  const source = doc.thread;
  const threadTaken = isValidId('thread', source.id)
    ? await store.get(source.id).then(
        () => true,
        () => false,
      )
    : true;
  const thread = await store.create({
    id: threadTaken ? undefined : source.id,
    title: typeof source.title === 'string' ? source.title : 'Imported thread',
    agent_id: typeof source.agent_id === 'string' ? source.agent_id : null,
    metadata: source.metadata ?? {},
    created_at: typeof source.created_at === 'number' ? source.created_at : undefined,
    messages,
  });
  const { saveRun, saveRunStep } = store;
  if (saveRun && saveRunStep) {
    for (const run of runs) await saveRun.call(store, { ...run, id: runIds.get(run.id) ?? newId('run'), thread_id: thread.id });
    for (const step of steps) {
      const runId = runIds.get(step.run_id);
      if (runId) await saveRunStep.call(store, { ...step, id: fresh('step', step.id), run_id: runId, thread_id: thread.id });
    }
  }
  return store.get(thread.id);
}

function partToMarkdown(part: Message['content'][number]): string {
  switch (part.type) {
    case 'text':
      return part.text.value;
    case 'image_file':
      return `![image](${encodeURI(part.image_file.path)})`;
    case 'image_url':
      return `*(inline ${part.image_url.mime_type} image)*`;
    case 'file_ref':
      return `[${part.path}](${encodeURI(part.path)})`;
  }
}

/** The thread as a readable Markdown document: a title, then each message under its role and time; secrets redacted as for JSON. */
export async function exportThreadMarkdown(
  store: Pick<ThreadRepository, 'get' | 'listMessages'>,
  threadId: string,
  knownSecrets: readonly string[] = [],
): Promise<string> {
  const thread = await store.get(threadId);
  const lines = [
    `# ${thread.title}`,
    '',
    `*Created ${new Date(thread.created_at * 1000).toISOString()} · ${thread.message_count} messages*`,
    '',
  ];
  for (const message of await allMessages(store, threadId)) {
    lines.push(`## ${message.role === 'user' ? 'User' : 'Assistant'} · ${new Date(message.created_at * 1000).toISOString()}`, '');
    // The model's thinking, folded as the chat shows it; its encrypted part stays out of the document.
    const thinking = message.reasoning?.summary.filter((paragraph) => paragraph.trim()) ?? [];
    if (thinking.length) lines.push('<details>', '<summary>Thinking</summary>', '', ...thinking.flatMap((p) => [p, '']), '</details>', '');
    for (const part of message.content) lines.push(partToMarkdown(part), '');
    for (const call of message.tool_calls ?? []) {
      lines.push(
        `> Tool \`${call.function.name}\`(${call.function.arguments})${call.function.output !== null ? ` → ${call.function.output}` : ''}`,
        '',
      );
    }
    if (message.status !== 'completed') lines.push(`*(${message.status})*`, '');
  }
  return redactSecrets(lines.join('\n'), knownSecrets);
}

/**
 * A file name for an exported thread: its title as lowercase words joined by dashes (no leading or trailing dash,
 * cut at a word), then the date, e.g. "fix-the-failing-test-2026-11-28.md".
 */
export function exportFileName(title: string, date: Date, extension: 'md' | 'thread.json'): string {
  const words = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '') // accents off: "café" → "cafe"
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
  let slug = '';
  for (const word of words) {
    const next = slug ? `${slug}-${word}` : word;
    if (next.length > 50) break;
    slug = next;
  }
  if (!slug && words.length > 0) slug = words[0].slice(0, 50);
  const day = `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}`;
  return `${slug || 'thread'}-${day}.${extension}`;
}
