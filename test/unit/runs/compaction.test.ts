import { strict as assert } from 'node:assert';
import { buildContext, compactThread, regenerateSummary, summaryInfo } from '../../../src/core/runs';
import { SUMMARY_INSTRUCTIONS } from '../../../src/core/runs/compactor';
import { type Harness, sentMessages, startHarness } from './helpers';

/** A message of about 90 tokens that starts with its tag, so what was sent can be told apart. */
const long = (tag: string): string => `${tag} ${Array.from({ length: 88 }, () => 'word').join(' ')}`;
const tags = (n: number): string[] => Array.from({ length: n }, (_, i) => `msg${i}`);

function texts(messages: Array<Record<string, unknown>>): string[] {
  return messages.map((m) => `${String(m.role)}:${typeof m.content === 'string' ? m.content : JSON.stringify(m.content)}`);
}

describe('compaction', () => {
  let h: Harness;
  afterEach(() => h.close());

  it('summarizes the older part when the next call would not fit, and the call sends the summary and the newest messages', async () => {
    // The agent's own model profile has a 1,000-token window: that, not a default, decides when to compact.
    h = await startHarness({ profile: { contextWindow: 1_000 } });
    const agent = await h.agent({ context_overflow: 'compact' });
    const threadId = await h.thread(...tags(8).map(long));
    h.server.script({ kind: 'text', text: 'SUMMARY: the user sent numbered messages.' }, { kind: 'text', text: 'Done.' });
    const run = await h.engine.createRun(threadId, agent.id);
    assert.equal((await h.log.waitForEnd(run.id)).status, 'completed');

    const summaryCall = texts(sentMessages(h.server, 0));
    assert.equal(summaryCall[0], `system:${SUMMARY_INSTRUCTIONS}`);
    assert.ok(summaryCall[1].includes('msg0 ') && summaryCall[1].includes('msg4 ') && !summaryCall[1].includes('msg5 '));

    const answerCall = texts(sentMessages(h.server, 1));
    assert.equal(answerCall[0], 'system:You are helpful.');
    assert.match(answerCall[1], /^system:Summary of the earlier part of this conversation \(5 messages/);
    assert.ok(answerCall[1].includes('SUMMARY: the user sent numbered messages.'));
    assert.deepEqual(
      answerCall.slice(2).map((m) => m.split(' ')[0]),
      ['user:msg5', 'user:msg6', 'user:msg7'],
    );
    assert.ok(!answerCall.slice(2).some((m) => /msg[0-4] /.test(m)));

    // Nothing was rewritten: the originals are all there, then the summary, then the answer.
    const page = await h.threads.listMessages(threadId, { order: 'asc', limit: 100 });
    assert.equal(page.data.length, 10);
    assert.deepEqual(
      page.data.slice(0, 8).map((m) => m.content[0].type === 'text' && m.content[0].text.value.split(' ')[0]),
      tags(8),
    );
    const summary = summaryInfo(page.data[8]);
    assert.equal(summary?.count, 5);
    assert.equal(summary?.throughId, page.data[4].id);
    assert.match(summary!.recordText, /^- Tool calls \(0\)$/m);
  });

  it('does not compact with a larger context window: the same thread fits the model it runs on', async () => {
    h = await startHarness({ profile: { contextWindow: 128_000 } });
    const agent = await h.agent({ context_overflow: 'compact' });
    const threadId = await h.thread(...tags(8).map(long));
    const run = await h.engine.createRun(threadId, agent.id);
    await h.log.waitForEnd(run.id);
    assert.equal(h.server.requests.length, 1);
    assert.equal(texts(sentMessages(h.server, 0)).length, 9);
  });

  it('never compacts when the agent drops the oldest messages, not even on request', async () => {
    h = await startHarness({ profile: { contextWindow: 1_000 } });
    const agent = await h.agent();
    const threadId = await h.thread(...tags(8).map(long));
    const run = await h.engine.createRun(threadId, agent.id);
    await h.log.waitForEnd(run.id);
    assert.equal(h.server.requests.length, 1, 'one call: the answer, no summary call');
    const sent = texts(sentMessages(h.server, 0));
    assert.ok(!sent.some((m) => m.includes('Summary of the earlier part')));
    assert.ok(!sent.some((m) => m.startsWith('user:msg0 ')), 'the oldest message was dropped');

    const request = { threadId, agent, client: h.modelClient, profile: h.profile, signal: new AbortController().signal };
    await assert.rejects(compactThread(h.threads, request), { code: 'compaction_disabled' });
    const page = await h.threads.listMessages(threadId, { limit: 100 });
    assert.ok(!page.data.some((m) => summaryInfo(m)), 'no summary was written');
  });

  it('leaves summaries out of the context of an agent that drops the oldest, and sends the originals instead', async () => {
    h = await startHarness({ profile: { contextWindow: 1_000 } });
    const compacting = await h.agent({ context_overflow: 'compact' });
    const threadId = await h.thread(...tags(8).map(long));
    h.server.script({ kind: 'text', text: 'SUMMARY one' });
    await compactThread(h.threads, {
      threadId,
      agent: compacting,
      client: h.modelClient,
      profile: h.profile,
      signal: new AbortController().signal,
    });
    const base = {
      threadId,
      instructions: '',
      truncation: { type: 'auto' as const },
      maxPromptTokens: null,
      maxCompletionTokens: null,
      profile: h.profile,
      tools: [],
    };
    const dropping = await buildContext(h.threads, base);
    assert.ok(!dropping.summary && !dropping.messages.some((m) => String(m.content).includes('SUMMARY one')));
    const compacted = await buildContext(h.threads, { ...base, useSummaries: true });
    assert.equal(compacted.summary?.modelText, 'SUMMARY one');
    assert.equal(compacted.truncated, false);
    assert.equal(compacted.includedMessages, 3);
  });

  it('folds the previous summary into the next one and summarizes only what came after it', async () => {
    h = await startHarness({ profile: { contextWindow: 1_000 } });
    const agent = await h.agent({ context_overflow: 'compact' });
    const threadId = await h.thread(...tags(8).map(long));
    const request = { threadId, agent, client: h.modelClient, profile: h.profile, signal: new AbortController().signal };
    h.server.script({ kind: 'text', text: 'FIRST' }, { kind: 'text', text: 'SECOND' });
    await compactThread(h.threads, request);
    await assert.rejects(compactThread(h.threads, request), { code: 'nothing_to_compact' });
    await h.threads.appendMessages(
      threadId,
      ['msg8', 'msg9', 'msg10'].map((tag) => ({ role: 'user' as const, content: [{ type: 'text' as const, text: { value: long(tag) } }] })),
    );
    const second = summaryInfo(await compactThread(h.threads, request));
    const input = texts(sentMessages(h.server, 1))[1];
    assert.ok(input.includes('Summary so far:\nFIRST'));
    assert.ok(input.includes('msg5 ') && !input.includes('msg4 '), 'only messages after the first summary go to the model');
    assert.equal(second?.modelText, 'SECOND');
    assert.equal(second?.count, 8);
  });

  it('regenerates a summary as a new version of the same message', async () => {
    h = await startHarness({ profile: { contextWindow: 1_000 } });
    const agent = await h.agent({ context_overflow: 'compact' });
    const threadId = await h.thread(...tags(8).map(long));
    const request = { threadId, agent, client: h.modelClient, profile: h.profile, signal: new AbortController().signal };
    h.server.script({ kind: 'text', text: 'FIRST' }, { kind: 'text', text: 'AGAIN' });
    const first = await compactThread(h.threads, request);
    const again = await regenerateSummary(h.threads, request, first.id);
    assert.equal(again.id, first.id);
    assert.equal(summaryInfo(again)?.modelText, 'AGAIN');
    assert.equal(summaryInfo(again)?.count, 5);
    const page = await h.threads.listMessages(threadId, { limit: 100 });
    assert.equal(page.data.filter((m) => summaryInfo(m)).length, 1);
  });
});
