import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { messageText } from '../../../src/core/domain/message';
import { newId } from '../../../src/core/domain/ids';
import { ThreadStore } from '../../../src/core/store/threadStore';
import { makeTempDir, RecordingLogger, removeTempDir, sampleRun, sampleStep, text } from './helpers';

/**
 * A later version adds record types to the thread logs; this one (an older build, or an older second window on the
 * same folder) must read around them, warn once per type, and leave them in the log exactly as written.
 */
describe('ThreadStore with record types from a later version', () => {
  let root: string;

  beforeEach(async () => {
    root = await makeTempDir();
  });
  afterEach(() => removeTempDir(root));

  // Unknown types with the fields this version looks for (`at`, a message or run with an id, `ord`) and without them.
  const reaction = (emoji: string) =>
    JSON.stringify({ t: 'reaction', at: 1_700_000_000, message: { id: newId('msg'), role: 'user' }, emoji, note: 'naïve – ✓' });
  const bookmark = JSON.stringify({ t: 'bookmark', label: 'here' });
  const runNote = JSON.stringify({ t: 'run_note', at: 1, ord: 0, run: { id: newId('run') }, step: { id: newId('step') } });

  const logOf = (threadId: string) => join(root, 'threads', threadId, 'messages.jsonl');
  /** What a later version's window does: appends its own record as one line. */
  const writeAsLaterVersion = (threadId: string, line: string) => fs.appendFile(logOf(threadId), `${line}\n`);
  const removeIndex = (threadId: string) =>
    Promise.all(['messages.idx', 'runs.idx'].map((name) => fs.rm(join(root, 'threads', threadId, name))));

  async function allTexts(store: ThreadStore, threadId: string): Promise<string[]> {
    return (await store.listMessages(threadId, { order: 'asc', limit: 100 })).data.map(messageText);
  }

  /** Pages of two from the newest back, following the cursors. */
  async function pagesOfTwo(store: ThreadStore, threadId: string): Promise<{ texts: string[]; hasMore: boolean }[]> {
    const pages: { texts: string[]; hasMore: boolean }[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await store.listMessages(threadId, { order: 'desc', limit: 2, after });
      pages.push({ texts: page.data.map(messageText), hasMore: page.has_more });
      if (!page.has_more || !page.last_id) return pages;
      after = page.last_id;
    }
  }

  function warningsAbout(logger: RecordingLogger, type: string): string[] {
    return logger.warnings().filter((warning) => warning.includes(`"${type}"`));
  }

  function assertOneWarningPerType(logger: RecordingLogger): void {
    for (const type of ['reaction', 'bookmark', 'run_note']) {
      assert.equal(warningsAbout(logger, type).length, 1, `warnings about ${type}:\n${logger.warnings().join('\n')}`);
    }
    assert.deepEqual(
      logger.warnings().filter((warning) => /corrupt|incomplete|does not match/.test(warning)),
      [],
      'unknown types are not damage',
    );
  }

  /** A thread whose log interleaves this version's records with a later version's, as two windows would write it. */
  async function mixedThread(store: ThreadStore): Promise<{ threadId: string; runId: string; stepId: string }> {
    const threadId = (await store.create()).id;
    const runId = newId('run');
    const stepId = newId('step');
    await store.appendMessage(threadId, text('a'));
    await writeAsLaterVersion(threadId, reaction('+1'));
    const b = await store.appendMessage(threadId, text('b'));
    await store.saveRun({ ...sampleRun(threadId, 'queued'), id: runId });
    await writeAsLaterVersion(threadId, bookmark);
    await store.appendMessage(threadId, { ...text('c', 'assistant'), run_id: runId });
    await store.saveRunStep(sampleStep(threadId, runId, stepId));
    await writeAsLaterVersion(threadId, runNote);
    await store.saveRun({ ...sampleRun(threadId, 'completed'), id: runId });
    await store.updateMessage(threadId, b.id, { content: text('b, edited').content });
    await store.appendMessage(threadId, text('d'));
    await writeAsLaterVersion(threadId, reaction('heart'));
    await store.appendMessage(threadId, text('e'));
    await writeAsLaterVersion(threadId, bookmark); // the log ends with a record this version does not know
    return { threadId, runId, stepId };
  }

  async function assertReadsIntact(store: ThreadStore, ids: { threadId: string; runId: string; stepId: string }): Promise<void> {
    const { threadId, runId, stepId } = ids;
    assert.deepEqual(await allTexts(store, threadId), ['a', 'b, edited', 'c', 'd', 'e']);
    assert.equal((await store.get(threadId)).message_count, 5);
    assert.deepEqual(await pagesOfTwo(store, threadId), [
      { texts: ['e', 'd'], hasMore: true },
      { texts: ['c', 'b, edited'], hasMore: true },
      { texts: ['a'], hasMore: false },
    ]);
    assert.deepEqual((await store.readNewest(threadId, 2)).map(messageText), ['d', 'e']);
    assert.deepEqual(
      (await store.listRuns(threadId)).map((run) => [run.id, run.status]),
      [[runId, 'completed']],
    );
    assert.equal((await store.getRun(threadId, runId)).status, 'completed');
    assert.deepEqual(
      (await store.listRunSteps(threadId, runId)).map((step) => step.id),
      [stepId],
    );
  }

  it('reads the thread around them, keeps them byte for byte through appends, reopening and index rebuilds, and warns once per type', async () => {
    const writerLog = new RecordingLogger();
    const writer = new ThreadStore({ root, logger: writerLog });
    const ids = await mixedThread(writer);
    const log = logOf(ids.threadId);
    const written = await fs.readFile(log);

    await assertReadsIntact(writer, ids);
    assertOneWarningPerType(writerLog);

    // Reopened by another window with the index gone, so it is rebuilt from the log; then written to.
    await removeIndex(ids.threadId);
    const reopenedLog = new RecordingLogger();
    const reopened = new ThreadStore({ root, logger: reopenedLog });
    await assertReadsIntact(reopened, ids);
    await reopened.appendMessage(ids.threadId, text('f'));
    await removeIndex(ids.threadId); // rebuilt again by the same store: still one warning per type
    assert.deepEqual(await allTexts(reopened, ids.threadId), ['a', 'b, edited', 'c', 'd', 'e', 'f']);
    assertOneWarningPerType(reopenedLog);

    const now = await fs.readFile(log);
    assert.ok(now.subarray(0, written.length).equals(written), 'everything written before is still there, byte for byte');
    const lines = now.toString('utf8').split('\n');
    for (const line of [bookmark, runNote]) assert.equal(lines.filter((l) => l === line).length, line === bookmark ? 2 : 1);
    assert.equal(lines.filter((line) => line.startsWith('{"t":"reaction"')).length, 2);

    const third = new ThreadStore({ root });
    assert.deepEqual(await allTexts(third, ids.threadId), ['a', 'b, edited', 'c', 'd', 'e', 'f']);
    assert.ok((await fs.readFile(log)).equals(now), 'reading changes nothing');
  });

  it('warns about a type once per store however many threads carry it', async () => {
    const writer = new ThreadStore({ root });
    const threads = [await mixedThread(writer), await mixedThread(writer)];
    const logger = new RecordingLogger();
    const reader = new ThreadStore({ root, logger });
    for (const ids of threads) {
      await removeIndex(ids.threadId);
      await assertReadsIntact(reader, ids);
    }
    assertOneWarningPerType(logger);
  });

  it('still reports a damaged record of a known type as corrupt, line by line', async () => {
    const logger = new RecordingLogger();
    const store = new ThreadStore({ root, logger });
    const threadId = (await store.create({ messages: [text('a')] })).id;
    await writeAsLaterVersion(threadId, JSON.stringify({ t: 'message', at: 1 })); // no message: damage, not a new type
    await writeAsLaterVersion(threadId, JSON.stringify({ at: 1, message: { id: newId('msg') } })); // no type at all
    await store.appendMessage(threadId, text('b'));
    assert.deepEqual(await allTexts(store, threadId), ['a', 'b']);
    assert.equal(logger.warnings().filter((warning) => warning.includes('corrupt')).length, 2, logger.warnings().join('\n'));
  });
});
