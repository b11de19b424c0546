import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import {
  ConversationImporter,
  findConversations,
  IMPORT_METADATA,
  type FoundConversation,
  type ImportResult,
} from '../../../src/core/history/imports';
import { ThreadStore } from '../../../src/core/store/threadStore';
import { writeThreadExport } from '../../fixtures/threadExport';
import { freshThreadStore, makeTempDir, removeTempDir } from '../store/helpers';
import { IMPORT_FIXTURE_TITLES, IMPORT_FIXTURES, IMPORT_FORMAT_FOLDERS } from '../../fixtures/importFixtures';

const GOOD = IMPORT_FORMAT_FOLDERS.map((folder) => path.join(IMPORT_FIXTURES, folder));

/** Imports everything found under `targets` the way the command does: results, and problems by file. */
async function importAll(store: ThreadStore, targets: string[]): Promise<{ results: ImportResult[]; problems: string[] }> {
  const importer = new ConversationImporter(store);
  const results: ImportResult[] = [];
  const problems: string[] = [];
  for await (const found of findConversations(targets)) {
    if ('error' in found) {
      problems.push(found.error.message);
      continue;
    }
    if ('passedOver' in found) continue;
    try {
      results.push(
        found.parsed.kind === 'conversation'
          ? await importer.importConversation(found.parsed.conversation, found.file)
          : await importer.importThreadExport(found.parsed.data, found.file),
      );
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  return { results, problems };
}

describe('import: writing conversations into threads', () => {
  const fresh = freshThreadStore();

  it('imports every fixture folder into threads with their messages, tool calls and times', async () => {
    const { results, problems } = await importAll(fresh.store, GOOD);
    assert.deepEqual(problems, []);
    assert.equal(results.filter((r) => r.kind === 'imported').length, 7);
    const threads = await fresh.store.list();
    assert.deepEqual(threads.map((t) => t.title).sort(), IMPORT_FIXTURE_TITLES);
    const cline = threads.find((t) => t.title.includes('Cline'))!;
    assert.equal(cline.metadata[IMPORT_METADATA.source], 'cline');
    assert.equal(cline.metadata[IMPORT_METADATA.pending], undefined);
    assert.equal(cline.created_at, 1_764_400_000);
    const messages = (await fresh.store.listMessages(cline.id, { order: 'asc' })).data;
    assert.deepEqual(
      messages.map((m) => [m.role, m.created_at]),
      [
        ['user', 1_764_400_000],
        ['assistant', 1_764_400_005],
        ['assistant', 1_764_400_015],
      ],
    );
    assert.deepEqual(
      messages[1].tool_calls?.map((c) => [c.id, c.function.name, c.function.output]),
      [
        ['toolu_cline_01', 'read_file', "app.get('/', home);"],
        ['toolu_cline_02', 'write_to_file', 'Error: Permission denied'],
      ],
    );
    assert.deepEqual(messages[1].reasoning, { summary: ['I need to see how routes are registered.'] });
  });

  it('imports nothing twice: a second import of the same files finds every conversation already there', async () => {
    await importAll(fresh.store, GOOD);
    const before = await fresh.store.list();
    const { results, problems } = await importAll(fresh.store, GOOD);
    assert.deepEqual(problems, []);
    assert.deepEqual(
      results.map((r) => r.kind),
      Array(7).fill('present'),
    );
    assert.equal((await fresh.store.list()).length, before.length);
  });

  it('imports our own thread export once, with its messages', async () => {
    const file = writeThreadExport({ tag: 'impw00001', texts: ['one', 'two', 'three'], title: 'Our own export', agentId: null });
    const first = await importAll(fresh.store, [file]);
    const second = await importAll(fresh.store, [file]);
    assert.deepEqual([first.results[0]?.kind, second.results[0]?.kind], ['imported', 'present']);
    const [thread] = await fresh.store.list();
    assert.equal(thread.title, 'Our own export');
    assert.equal(thread.message_count, 3);
  });

  it('is all or nothing per conversation: one that cannot be written leaves no thread, the others are imported', async () => {
    const root = await makeTempDir();
    const small = new ThreadStore({ root, maxMessagesPerThread: 3 });
    try {
      const { results, problems } = await importAll(small, [path.join(IMPORT_FIXTURES, 'vscode-chat')]);
      // a001 has 5 messages, a002 4: neither fits; a003 has 2.
      assert.deepEqual(
        results.map((r) => r.thread.title),
        ['What does git rebase --onto do? (VS Code v1 fixture)'],
      );
      assert.equal(problems.length, 2);
      assert.match(problems[0], /a001\.json: nothing was imported from it: .*limit of 3 messages/);
      assert.deepEqual(
        (await small.list()).map((t) => t.message_count),
        [2],
      );
    } finally {
      small.dispose();
      await removeTempDir(root);
    }
  });

  it('redoes an import that died half-way (a thread still marked pending) instead of counting it as done', async () => {
    const [found] = await collect([path.join(IMPORT_FIXTURES, 'continue')]);
    assert.ok('parsed' in found && found.parsed.kind === 'conversation');
    await importAll(fresh.store, [path.join(IMPORT_FIXTURES, 'continue')]);
    const [done] = await fresh.store.list();
    // What a crash between creating the thread and writing its messages leaves: the thread, marked pending, empty.
    await fresh.store.delete(done.id);
    await fresh.store.create({ title: 'half', metadata: { ...done.metadata, [IMPORT_METADATA.pending]: '1' } });
    const { results } = await importAll(fresh.store, [path.join(IMPORT_FIXTURES, 'continue')]);
    assert.equal(results[0].kind, 'imported');
    const threads = await fresh.store.list();
    assert.deepEqual(
      threads.map((t) => [t.title, t.message_count]),
      [['Explain the retry helper (Continue fixture)', 3]],
    );
  });
});

async function collect(targets: string[], maxFileBytes?: number): Promise<FoundConversation[]> {
  const found: FoundConversation[] = [];
  for await (const f of findConversations(targets, { maxFileBytes })) found.push(f);
  return found;
}

describe('import: files that are not conversations, and hostile ones', () => {
  it('names each bad file and says why', async () => {
    const found = await collect([path.join(IMPORT_FIXTURES, 'bad')]);
    const reasons = Object.fromEntries(found.map((f) => [path.basename(f.file), 'error' in f ? f.error.reason : 'parsedOrPassedOver']));
    assert.match(reasons['truncated.json'], /^is not valid JSON/);
    assert.match(reasons['vscode-v9.json'], /VS Code chat session of version 9/);
    assert.match(reasons['polluting.jsonl'], /"__proto__"/);
    // JSON of no known format is passed over in a folder, and named with the reason when picked itself.
    assert.equal(reasons['unknown.json'], 'parsedOrPassedOver');
    const [picked] = await collect([path.join(IMPORT_FIXTURES, 'bad', 'unknown.json')]);
    assert.ok('error' in picked);
    assert.match(picked.error.reason, /not a conversation Agent Threads can import \(it is an object with "name", "items2"\)/);
  });

  it('passes over JSON files of no known format in a searched folder (VS Code workspace storage), but names a picked one', async () => {
    const storage = await makeTempDir();
    try {
      const workspace = path.join(storage, '0a1b2c3d');
      await fs.mkdir(path.join(workspace, 'chatSessions'), { recursive: true });
      await fs.writeFile(path.join(workspace, 'workspace.json'), JSON.stringify({ folder: 'file:///w' }));
      const session = path.join('vscode-chat', 'chatSessions', '5b0c1d2e-0000-4000-8000-00000000a003.json');
      await fs.copyFile(path.join(IMPORT_FIXTURES, session), path.join(workspace, 'chatSessions', 'a003.json'));
      const found = await collect([storage]);
      assert.deepEqual(
        found.map((f) => [path.basename(f.file), 'parsed' in f ? 'parsed' : 'passedOver' in f ? 'passed over' : 'error']),
        [
          ['a003.json', 'parsed'],
          ['workspace.json', 'passed over'],
        ],
      );
      const [picked] = await collect([path.join(workspace, 'workspace.json')]);
      assert.ok('error' in picked && /not a conversation/.test(picked.error.message));
    } finally {
      await removeTempDir(storage);
    }
  });

  it('refuses a file over the size limit unread, and does not follow links', async () => {
    const dir = await makeTempDir();
    try {
      const big = path.join(dir, 'big.json');
      await fs.writeFile(big, JSON.stringify({ sessionId: 's', history: [], pad: 'x'.repeat(2048) }));
      const found = await collect([big], 1024);
      assert.ok('error' in found[0]);
      assert.match(found[0].error.message, /big\.json: is \d+ bytes, more than the 1024 bytes an import reads at once/);

      const link = path.join(dir, 'link.json');
      await fs.symlink(path.join(IMPORT_FIXTURES, 'openai', 'thread.json'), link);
      const linked = await collect([link]);
      assert.ok('error' in linked[0] && /is a link/.test(linked[0].error.message));
      await fs.unlink(big);
      const inFolder = await collect([dir]);
      assert.ok('error' in inFolder[0] && /holds no conversations/.test(inFolder[0].error.message), 'a link inside a folder is skipped');
    } finally {
      await removeTempDir(dir);
    }
  });

  it('keeps a tool call whose arguments are nested too deep to write again, without them', async () => {
    const dir = await makeTempDir();
    try {
      const depth = 100_000;
      const deep = `${'['.repeat(depth)}${']'.repeat(depth)}`;
      const session = `{"version":3,"sessionId":"deep","creationDate":1764403200000,"responderUsername":"x","requests":[{"message":"go","response":[{"kind":"toolInvocationSerialized","toolId":"t","resultDetails":{"input":${deep},"output":[]}}]}]}`;
      await fs.writeFile(path.join(dir, 'deep.json'), session);
      const [found] = await collect([dir]);
      assert.ok('parsed' in found && found.parsed.kind === 'conversation');
      assert.equal(found.parsed.conversation.messages[1].toolCalls?.[0].arguments, '{}');
    } finally {
      await removeTempDir(dir);
    }
  });
});
