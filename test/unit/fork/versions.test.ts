import assert from 'node:assert/strict';
import type { Message, MessageInput } from '../../../src/core/domain/message';
import { messageText } from '../../../src/core/domain/message';
import { editAndResend, forkThread, messageVersions, retryFromAnswer, type MessageVersions } from '../../../src/core/fork';
import { ThreadStore } from '../../../src/core/store/threadStore';
import { freshThreadStore } from '../store/helpers';

function text(role: 'user' | 'assistant', value: string, runId?: string): MessageInput {
  return { role, content: [{ type: 'text', text: { value } }], ...(runId ? { run_id: runId } : {}) };
}

async function all(store: ThreadStore, threadId: string): Promise<Message[]> {
  const out: Message[] = [];
  for await (const message of store.messagesNewestFirst(threadId)) out.push(message);
  return out.reverse();
}

/** The versions as a person reads them: which message, "n of total", and each version's text (or "…" unwritten). */
async function shown(store: ThreadStore, versions: MessageVersions[]): Promise<{ text: string; of: string; versions: string[] }[]> {
  return Promise.all(
    versions.map(async (v) => ({
      text: messageText(
        (await all(store, v.versions[v.index].threadId)).find((m) => m.id === v.messageId) ?? ({ content: [] } as unknown as Message),
      ),
      of: `${v.index + 1}/${v.versions.length}`,
      versions: await Promise.all(
        v.versions.map(async (ref) =>
          ref.messageId ? messageText((await all(store, ref.threadId)).find((m) => m.id === ref.messageId)!) : '…',
        ),
      ),
    })),
  );
}

describe('message versions (Retry and Edit and Resend)', () => {
  const fresh = freshThreadStore();
  let store: ThreadStore;
  beforeEach(() => {
    store = fresh.store;
  });

  it('a thread without retries or edits has none, and a plain fork is no version', async () => {
    const source = await store.create({ messages: [text('user', 'q'), text('assistant', 'a')] });
    const [question] = await all(store, source.id);
    await forkThread(store, source.id, question.id);
    assert.deepEqual(await messageVersions(store, source.id), []);
  });

  it('a retried answer and its retries are one list, oldest first, seen the same from every thread that holds one', async () => {
    const source = await store.create({ messages: [text('user', 'q'), text('assistant', 'first answer', 'run_1')] });
    const [, answer] = await all(store, source.id);
    const retry = (await retryFromAnswer(store, source.id, answer.id)).thread;
    // Not answered yet: the fork is a version without a message to show.
    assert.deepEqual(await shown(store, await messageVersions(store, source.id)), [
      { text: 'first answer', of: '1/2', versions: ['first answer', '…'] },
    ]);
    await store.appendMessage(retry.id, text('assistant', 'second answer', 'run_2'));
    // A retry of the retry joins the same list.
    const [, retriedAnswer] = await all(store, retry.id);
    const again = (await retryFromAnswer(store, retry.id, retriedAnswer.id)).thread;
    await store.appendMessage(again.id, text('assistant', 'third answer', 'run_3'));
    await store.appendMessage(again.id, text('user', 'and then?'));

    const expected = ['first answer', 'second answer', 'third answer'];
    assert.deepEqual(await shown(store, await messageVersions(store, source.id)), [
      { text: 'first answer', of: '1/3', versions: expected },
    ]);
    assert.deepEqual(await shown(store, await messageVersions(store, retry.id)), [
      { text: 'second answer', of: '2/3', versions: expected },
    ]);
    assert.deepEqual(await shown(store, await messageVersions(store, again.id)), [{ text: 'third answer', of: '3/3', versions: expected }]);
  });

  it('an edited message is a version of the one it replaced; a retry of a later answer is a list of its own', async () => {
    const source = await store.create({
      messages: [text('user', 'q1'), text('assistant', 'a1', 'run_1'), text('user', 'q2'), text('assistant', 'a2', 'run_2')],
    });
    const messages = await all(store, source.id);
    const edited = (await editAndResend(store, source.id, messages[2].id, 'q2, better')).thread;
    await retryFromAnswer(store, source.id, messages[1].id);
    const versions = await shown(store, await messageVersions(store, source.id));
    assert.deepEqual(
      versions.sort((a, b) => a.text.localeCompare(b.text)),
      [
        { text: 'a1', of: '1/2', versions: ['a1', '…'] },
        { text: 'q2', of: '1/2', versions: ['q2', 'q2, better'] },
      ],
    );
    assert.deepEqual(await shown(store, await messageVersions(store, edited.id)), [
      { text: 'q2, better', of: '2/2', versions: ['q2', 'q2, better'] },
    ]);
  });

  it('a version fork deleted, or one whose copy never completed, is left out without failing', async () => {
    const source = await store.create({ messages: [text('user', 'q'), text('assistant', 'a', 'run_1')] });
    const [, answer] = await all(store, source.id);
    const gone = (await retryFromAnswer(store, source.id, answer.id)).thread;
    await store.delete(gone.id);
    // A fork named as a version but without its base (a copy cut off by a crash) is not offered.
    await store.create({ metadata: { forked_from: `${source.id}/${answer.id}`, fork_kind: 'retry' } });
    assert.deepEqual(await messageVersions(store, source.id), []);
  });
});
