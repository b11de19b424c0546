import { strict as assert } from 'node:assert';
import type { MessageInput } from '../../../src/core/domain/message';
import { buildContext, promptBudget } from '../../../src/core/runs';
import { type Harness, sentMessages, startHarness, userText } from './helpers';

/** Role and text of each message the fake server received. */
function shape(messages: Array<Record<string, unknown>>): string[] {
  return messages.map((m) => `${String(m.role)}:${typeof m.content === 'string' ? m.content : JSON.stringify(m.content)}`);
}

describe('context building', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(() => h.close());

  it('sends the instructions first, then the thread oldest to newest', async () => {
    const agent = await h.agent({ instructions: 'Be terse.' });
    const threadId = await h.thread('one', 'two', 'three');
    const run = await h.engine.createRun(threadId, agent.id, { additional_instructions: 'Answer in English.' });
    await h.log.waitForEnd(run.id);
    assert.deepEqual(shape(sentMessages(h.server, 0)), ['system:Be terse.\n\nAnswer in English.', 'user:one', 'user:two', 'user:three']);
  });

  it('keeps only the newest n messages with truncation_strategy last_messages', async () => {
    const agent = await h.agent({ truncation_strategy: { type: 'last_messages', last_messages: 2 } });
    const threadId = await h.thread('one', 'two', 'three', 'four');
    const run = await h.engine.createRun(threadId, agent.id);
    await h.log.waitForEnd(run.id);
    assert.deepEqual(shape(sentMessages(h.server, 0)), ['system:You are helpful.', 'user:three', 'user:four']);
  });

  it('keeps as many newest messages as fit max_prompt_tokens', async () => {
    const words = (n: number, tag: string): string => Array.from({ length: n }, () => tag).join(' ');
    const agent = await h.agent({ max_prompt_tokens: 130 });
    const threadId = await h.thread(words(50, 'old'), words(50, 'middle'), words(50, 'new'));
    const run = await h.engine.createRun(threadId, agent.id);
    await h.log.waitForEnd(run.id);
    const sent = shape(sentMessages(h.server, 0));
    assert.equal(sent.length, 3, sent.join('\n'));
    assert.ok(sent[1].startsWith('user:middle') && sent[2].startsWith('user:new'));
  });

  it('fails the run with context_length_exceeded when even the newest message does not fit', async () => {
    const agent = await h.agent({ max_prompt_tokens: 20 });
    const threadId = await h.thread(Array.from({ length: 100 }, () => 'word').join(' '));
    const run = await h.engine.createRun(threadId, agent.id);
    const ended = await h.log.waitForEnd(run.id);
    assert.equal(ended.status, 'failed');
    assert.equal(ended.last_error?.code, 'context_length_exceeded');
    assert.match(ended.last_error!.message, /max prompt tokens/);
    assert.equal(h.server.requests.length, 0);
  });

  it('fails the run with storage_error (not a hang) when the thread is full', async () => {
    await h.close();
    h = await startHarness({ store: { maxMessagesPerThread: 2 } });
    const agent = await h.agent();
    const threadId = await h.thread('one', 'two');
    const run = await h.engine.createRun(threadId, agent.id);
    const ended = await h.log.waitForEnd(run.id);
    assert.equal(ended.status, 'failed');
    assert.equal(ended.last_error?.code, 'storage_error');
    assert.match(ended.last_error!.message, /start a new thread/);
  });

  it('never splits a tool call from its results: the whole group goes when it does not fit', async () => {
    const threadId = await h.thread('first question');
    const calls = [
      { id: 'call_a', type: 'function' as const, function: { name: 'echo', arguments: '{"text":"x"}', output: 'x' } },
      { id: 'call_b', type: 'function' as const, function: { name: 'echo', arguments: '{"text":"y"}', output: 'y' } },
    ];
    const toolMessage: MessageInput = { role: 'assistant', content: [], tool_calls: calls };
    await h.threads.appendMessages(threadId, [
      toolMessage,
      { role: 'assistant', content: [{ type: 'text', text: { value: 'x and y' } }] },
      userText('next'),
    ]);

    const request = {
      threadId,
      instructions: 'sys',
      truncation: { type: 'auto' as const },
      maxCompletionTokens: null,
      profile: { contextWindow: 100_000 },
      tools: [],
    };
    const all = await buildContext(h.threads, { ...request, maxPromptTokens: null });
    assert.deepEqual(
      all.messages.map((m) => m.role),
      ['system', 'user', 'assistant', 'tool', 'tool', 'assistant', 'user'],
    );

    // A budget that fits the last two messages and one tool result, but not the call with both results.
    const fitting = await buildContext(h.threads, { ...request, maxPromptTokens: 45 });
    assert.deepEqual(
      fitting.messages.map((m) => m.role),
      ['system', 'assistant', 'user'],
    );
    assert.equal(fitting.truncated, true);
  });

  it('gives a call without a recorded result a note, so the prompt stays valid', async () => {
    const threadId = await h.thread('q');
    await h.threads.appendMessage(threadId, {
      role: 'assistant',
      content: [],
      tool_calls: [{ id: 'call_z', type: 'function', function: { name: 'echo', arguments: '{}', output: null } }],
    });
    const built = await buildContext(h.threads, {
      threadId,
      instructions: '',
      truncation: { type: 'auto' },
      maxPromptTokens: null,
      maxCompletionTokens: null,
      profile: { contextWindow: 8_000 },
      tools: [],
    });
    const tool = built.messages.at(-1)!;
    assert.equal(tool.role, 'tool');
    assert.match((tool as { content: string }).content, /did not finish/);
  });

  it('turns images into image parts and file references into text through the reader hooks', async () => {
    const threadId = (await h.threads.create()).id;
    await h.threads.appendMessage(threadId, {
      role: 'user',
      content: [
        { type: 'text', text: { value: 'look' } },
        { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA', mime_type: 'image/png' } },
        { type: 'image_file', image_file: { path: 'pic.png', mime_type: 'image/png' } },
        { type: 'file_ref', path: 'notes.txt' },
        { type: 'file_ref', path: 'missing.txt' },
      ],
    });
    const built = await buildContext(
      h.threads,
      {
        threadId,
        instructions: '',
        truncation: { type: 'auto' },
        maxPromptTokens: null,
        maxCompletionTokens: null,
        profile: { contextWindow: 8_000 },
        tools: [],
      },
      {
        readImage: async (path) => (path === 'pic.png' ? 'data:image/png;base64,BBBB' : undefined),
        readFile: async (path) => (path === 'notes.txt' ? 'hello file' : undefined),
      },
    );
    assert.deepEqual(built.messages[0], {
      role: 'user',
      content: [
        { type: 'text', text: 'look' },
        { type: 'image', url: 'data:image/png;base64,AAAA' },
        { type: 'image', url: 'data:image/png;base64,BBBB' },
        { type: 'text', text: 'File notes.txt:\n```\nhello file\n```' },
        { type: 'text', text: '[Attached file: missing.txt]' },
      ],
    });
  });

  it('reserves room for the answer out of the context window', () => {
    assert.equal(promptBudget({ maxPromptTokens: null, maxCompletionTokens: null, profile: { contextWindow: 128_000 } }), 128_000 - 4_096);
    assert.equal(promptBudget({ maxPromptTokens: null, maxCompletionTokens: 1_000, profile: { contextWindow: 8_000 } }), 7_000);
    assert.equal(
      promptBudget({ maxPromptTokens: 500, maxCompletionTokens: null, profile: { contextWindow: 8_000, maxOutputTokens: 2_000 } }),
      500,
    );
  });

  it('runs on a 100,000-message thread and sends only the window', async function () {
    this.timeout(120_000);
    // Room for the run's own message beyond the store's default limit of 100,000.
    await h.close();
    h = await startHarness({ store: { maxMessagesPerThread: 100_010 } });
    const { id: threadId } = await h.threads.create();
    const batch = 5_000;
    for (let start = 0; start < 100_000; start += batch) {
      await h.threads.appendMessages(
        threadId,
        Array.from({ length: batch }, (_, i) => userText(`message ${start + i}`)),
      );
    }
    const agent = await h.agent({ max_prompt_tokens: 2_000 });
    const run = await h.engine.createRun(threadId, agent.id);
    const ended = await h.log.waitForEnd(run.id);
    assert.equal(ended.status, 'completed');
    const sent = sentMessages(h.server, 0);
    assert.ok(sent.length > 50 && sent.length < 400, `sent ${sent.length} messages`);
    assert.equal(sent.at(-1)!.content, 'message 99999');
    const numbers = sent.slice(1).map((m) => Number(String(m.content).split(' ')[1]));
    assert.deepEqual(
      numbers,
      Array.from({ length: numbers.length }, (_, i) => 100_000 - numbers.length + i),
      'a contiguous newest window',
    );
  });
});
