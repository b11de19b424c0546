import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, promises as fs, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { messageText } from '../../../src/core/domain/message';
import { UNTITLED_THREAD_TITLE } from '../../../src/core/domain/thread';
import { RunError } from '../../../src/core/runs';
import { type Harness, startHarness, userText } from './helpers';

describe('RunEngine lifecycle', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(() => h.close());

  it('runs a plain text answer through every status with the full event order, saving each change', async () => {
    const agent = await h.agent();
    const threadId = await h.thread('Hello there');
    h.server.script({ kind: 'text', text: 'Hi! How can I help?' });
    const queued = await h.engine.createRun(threadId, agent.id);
    assert.equal(queued.status, 'queued');
    const ended = await h.log.waitForEnd(queued.id);

    assert.equal(ended.status, 'completed');
    assert.deepEqual(h.log.namesOf(queued.id), [
      'thread.run.created',
      'thread.run.queued',
      'thread.run.in_progress',
      'thread.run.step.created',
      'thread.run.step.in_progress',
      'thread.message.created',
      'thread.message.in_progress',
      ...Array<'thread.message.delta'>(5).fill('thread.message.delta'),
      'thread.message.completed',
      'thread.run.step.completed',
      'thread.run.completed',
    ]);
    const deltas = h.log.events.filter((e) => e.event === 'thread.message.delta');
    assert.ok(
      deltas.every((e) => e.thread_id === threadId && e.run_id === queued.id),
      'every event names its thread and run',
    );

    const stored = await h.threads.getRun(threadId, queued.id);
    assert.equal(stored.status, 'completed');
    assert.ok(stored.started_at !== null && stored.completed_at !== null);
    const [newest] = await h.threads.readNewest(threadId, 1);
    assert.equal(newest.role, 'assistant');
    assert.equal(newest.status, 'completed');
    assert.equal(newest.run_id, queued.id);
    assert.equal(messageText(newest), 'Hi! How can I help?');
    const steps = await h.threads.listRunSteps(threadId, queued.id);
    assert.deepEqual(
      steps.map((s) => [s.type, s.status]),
      [['message_creation', 'completed']],
    );
    assert.equal(h.engine.activeRun(threadId), undefined);
  });

  it("shows the answer's first words while the thread's file is busy, and saves the whole answer once it is free", async () => {
    const agent = await h.agent();
    const threadId = await h.thread('Hello there');
    h.server.script({ kind: 'text', text: 'First words, then the rest.' });
    // Another window holds the thread's file from the moment the run is under way (a live process owns the lock).
    const lockFolder = `${join(h.dir, 'threads', threadId, 'messages.jsonl')}.lock`;
    h.engine.onEvent((event) => {
      if (event.event !== 'thread.run.in_progress' || existsSync(lockFolder)) return;
      mkdirSync(lockFolder);
      writeFileSync(join(lockFolder, 'owner'), `${hostname()}\n${process.ppid}\n`);
    });
    const queued = await h.engine.createRun(threadId, agent.id);

    const delta = await h.log.waitForEvent(queued.id, 'thread.message.delta');
    const messageId = (delta.data as { id: string }).id;
    assert.ok(existsSync(lockFolder), 'the file was still busy when the first words were announced');
    const log = await fs.readFile(join(h.dir, 'threads', threadId, 'messages.jsonl'), 'utf8');
    assert.ok(!log.includes(messageId), 'the answer is not saved yet');
    assert.equal(h.log.namesOf(queued.id).filter((name) => name === 'thread.message.created').length, 1);

    // Whoever was told of the message finds it: the read waits for the save in flight instead of missing it.
    const read = h.threads.getMessage(threadId, messageId);
    await fs.rm(lockFolder, { recursive: true });
    assert.equal((await read).id, messageId);
    const ended = await h.log.waitForEnd(queued.id);
    assert.equal(ended.status, 'completed');
    const [answer] = await h.threads.readNewest(threadId, 1);
    assert.equal(answer.id, (delta.data as { id: string }).id);
    assert.equal(messageText(answer), 'First words, then the rest.');
    assert.equal(answer.status, 'completed');
  });

  it('sums usage over the steps of a run and records it per step', async () => {
    const agent = await h.agent({ tools: [{ name: 'echo' }] });
    const threadId = await h.thread('echo please');
    h.server.script(
      { kind: 'tool_calls', calls: [{ name: 'echo', arguments: '{"text":"a"}' }] },
      { kind: 'text', text: 'done', usage: { prompt_tokens: 100, completion_tokens: 7 } },
    );
    const run = await h.engine.createRun(threadId, agent.id);
    const ended = await h.log.waitForEnd(run.id);
    // The first turn is only a tool call: no message_creation step, its usage is on the tool_calls step.
    const steps = await h.threads.listRunSteps(threadId, run.id);
    assert.deepEqual(
      steps.map((s) => s.type),
      ['tool_calls', 'message_creation'],
    );
    assert.ok((steps[0].usage?.total_tokens ?? 0) > 0);
    const sum = steps.reduce((total, s) => total + (s.usage?.total_tokens ?? 0), 0);
    assert.equal(steps[1].usage?.total_tokens, 107);
    assert.ok(sum > 107);
    assert.equal(ended.usage?.total_tokens, sum);
    assert.equal(
      ended.usage?.prompt_tokens,
      steps.reduce((total, s) => total + (s.usage?.prompt_tokens ?? 0), 0),
    );
  });

  it('titles an untitled thread from its first user message, on one line and about 60 characters', async () => {
    const agent = await h.agent();
    const long = 'Please explain\nhow the run engine builds its context window for very long threads today';
    const { id: threadId } = await h.threads.create({ messages: [userText(long)] });
    const run = await h.engine.createRun(threadId, agent.id);
    await h.log.waitForEnd(run.id);
    const changed = await waitForTitle(h, threadId);
    assert.ok(!changed.includes('\n'));
    assert.ok(changed.startsWith('Please explain how the run engine'), changed);
    assert.ok(changed.length <= 61, changed);
  });

  it('keeps a title the user chose', async () => {
    const agent = await h.agent();
    const { id: threadId } = await h.threads.create({ title: 'My title', messages: [userText('something else')] });
    const run = await h.engine.createRun(threadId, agent.id);
    await h.log.waitForEnd(run.id);
    assert.equal((await h.threads.get(threadId)).title, 'My title');
  });

  it('refuses a second run on a busy thread with thread_busy', async () => {
    const agent = await h.agent();
    const threadId = await h.thread('hi');
    h.server.script({ kind: 'stall', text: 'thinking hard', afterChunks: 1 });
    const first = await h.engine.createRun(threadId, agent.id);
    // Cancel only once the stall reply is being streamed, or the next request would receive it.
    await h.log.waitForEvent(first.id, 'thread.message.delta');
    await assert.rejects(h.engine.createRun(threadId, agent.id), (error: RunError) => {
      assert.equal(error.code, 'thread_busy');
      assert.match(error.message, /cancel it/);
      return true;
    });
    assert.equal(h.engine.activeRun(threadId)?.id, first.id);
    await h.engine.cancelRun(threadId, first.id);
    const second = await h.engine.createRun(threadId, agent.id);
    assert.equal((await h.log.waitForEnd(second.id)).status, 'completed');
  });

  it('throws no_model with a message to configure one when the model cannot be resolved', async () => {
    const agent = await h.agent({ model: { profile: 'missing', name: 'gpt-x' } });
    const threadId = await h.thread('hi');
    await assert.rejects(h.engine.createRun(threadId, agent.id), (error: RunError) => {
      assert.equal(error.code, 'no_model');
      assert.match(error.message, /Configure a model/);
      return true;
    });
    assert.equal(h.engine.activeRun(threadId), undefined);
    assert.deepEqual(await h.threads.listRuns(threadId), []);
  });

  it('creates a thread and runs it, with overrides and additional messages', async () => {
    const agent = await h.agent();
    const run = await h.engine.createThreadAndRun({ messages: [userText('first')] }, agent.id, {
      instructions: 'Override.',
      additional_instructions: 'Be brief.',
      additional_messages: [userText('second')],
      temperature: 0.5,
    });
    const ended = await h.log.waitForEnd(run.id);
    assert.equal(ended.status, 'completed');
    assert.equal(ended.instructions, 'Override.\n\nBe brief.');
    const body = h.server.requests[0].body!;
    assert.equal(body.temperature, 0.5);
    assert.deepEqual(
      body.messages.map((m) => [m.role, m.content]),
      [
        ['system', 'Override.\n\nBe brief.'],
        ['user', 'first'],
        ['user', 'second'],
      ],
    );
  });
});

async function waitForTitle(h: Harness, threadId: string): Promise<string> {
  for (;;) {
    const thread = await h.threads.get(threadId);
    if (thread.title !== UNTITLED_THREAD_TITLE) return thread.title;
    await new Promise<void>((resolve) => {
      const sub = h.threads.onDidChangeThreads((change) => {
        if (change.threadId === threadId) {
          sub.dispose();
          resolve();
        }
      });
    });
  }
}
