import { strict as assert } from 'node:assert';
import type { Agent } from '../../../src/core/domain/agent';
import { messageText } from '../../../src/core/domain/message';
import {
  CHAT_THREAD_SOURCE,
  ChatExchanges,
  type ChatSessionChoice,
  type ChatSink,
  chatIntentOf,
  findAgentByName,
  sessionChoiceOf,
} from '../../../src/core/chat';
import { type Harness, startHarness } from '../runs/helpers';

/** A sink that keeps what an exchange streamed, in order. */
class RecordingSink implements ChatSink {
  readonly parts: string[] = [];
  readonly progressLines: string[] = [];
  readonly buttons: { threadId: string; label: string }[] = [];
  markdown(text: string): void {
    this.parts.push(text);
  }
  progress(text: string): void {
    this.progressLines.push(text);
  }
  openThread(threadId: string, label: string): void {
    this.buttons.push({ threadId, label });
  }
  get text(): string {
    return this.parts.join('');
  }
}

const NEW_SESSION: ChatSessionChoice = { agentId: null, threadId: null };

describe('chat requests', () => {
  it('reads slash commands whether VS Code parsed them or they were typed', () => {
    assert.deepEqual(chatIntentOf('use', ' Code Reviewer '), { kind: 'use', name: 'Code Reviewer' });
    assert.deepEqual(chatIntentOf(undefined, '/use Code Reviewer'), { kind: 'use', name: 'Code Reviewer' });
    assert.deepEqual(chatIntentOf('agents', 'anything'), { kind: 'listAgents' });
    assert.deepEqual(chatIntentOf(undefined, '/new fix the parser'), { kind: 'newThread', prompt: 'fix the parser' });
    assert.deepEqual(chatIntentOf(undefined, ' why is /use slow? '), { kind: 'ask', prompt: 'why is /use slow?' });
    assert.deepEqual(chatIntentOf(undefined, '/user x'), { kind: 'ask', prompt: '/user x' });
  });

  it('finds an agent by exact name or id, else by a unique start or part of its name', () => {
    const agents = [
      { id: 'asst_1', name: 'Code Reviewer' },
      { id: 'asst_2', name: 'Code Writer' },
      { id: 'asst_3', name: 'Release Helper' },
    ] as Agent[];
    const name = (text: string): string => {
      const match = findAgentByName(agents, text);
      return 'agent' in match ? match.agent.name : match.problem;
    };
    assert.equal(name('code reviewer'), 'Code Reviewer');
    assert.equal(name('ASST_3'), 'Release Helper');
    assert.equal(name('release'), 'Release Helper');
    assert.equal(name('writer'), 'Code Writer');
    assert.equal(name('code'), '"code" could mean **Code Reviewer**, **Code Writer**; type more of the name.');
    assert.equal(name('nobody'), 'No agent is called "nobody". Agents: **Code Reviewer**, **Code Writer**, **Release Helper**.');
    assert.match(name(' '), /^Name an agent/);
  });

  it("takes a session's choice from the newest result that carries one", () => {
    assert.deepEqual(sessionChoiceOf([]), NEW_SESSION);
    assert.deepEqual(sessionChoiceOf([{ agentId: 'a', threadId: 't' }, undefined, { other: 1 }]), { agentId: 'a', threadId: 't' });
    assert.deepEqual(
      sessionChoiceOf([
        { agentId: 'a', threadId: 't' },
        { agentId: 'b', threadId: null },
      ]),
      { agentId: 'b', threadId: null },
    );
  });
});

describe('ChatExchanges', () => {
  let h: Harness;
  let exchanges: ChatExchanges;
  beforeEach(async () => {
    h = await startHarness();
    exchanges = new ChatExchanges({ threads: h.threads, agents: h.agents, runs: h.engine });
  });
  afterEach(() => h.close());

  it('stores each exchange in one thread of the chosen agent and streams the answer', async () => {
    await h.agent({ name: 'Helper' });
    const reviewer = await h.agent({ name: 'Code Reviewer' });
    const sink = new RecordingSink();
    const picked = await exchanges.handle(chatIntentOf('use', 'review'), NEW_SESSION, sink, new AbortController().signal);
    assert.deepEqual(picked.choice, { agentId: reviewer.id, threadId: null });
    assert.equal(sink.text, 'Talking to **Code Reviewer** now. Your next message starts a new thread.');

    h.server.script({ kind: 'text', text: 'Looks fine to me.' }, { kind: 'text', text: 'Still fine.' });
    const first = new RecordingSink();
    const answered = await exchanges.handle(
      chatIntentOf(undefined, 'Review my change'),
      picked.choice,
      first,
      new AbortController().signal,
    );
    assert.equal(answered.status, 'completed');
    assert.equal(first.text, 'Looks fine to me.');
    assert.ok(first.parts.length > 1, 'the answer arrives in pieces');
    const threadId = answered.choice.threadId!;
    assert.deepEqual(first.buttons, [{ threadId, label: 'Open the thread' }]);
    const thread = await h.threads.get(threadId);
    assert.equal(thread.agent_id, reviewer.id);
    assert.equal(thread.metadata.source, CHAT_THREAD_SOURCE);

    const again = await exchanges.handle(
      chatIntentOf(undefined, 'And now?'),
      answered.choice,
      new RecordingSink(),
      new AbortController().signal,
    );
    assert.equal(again.choice.threadId, threadId, 'the session keeps its thread');
    const messages = (await h.threads.listMessages(threadId, { order: 'asc' })).data;
    assert.deepEqual(
      messages.map((m) => [m.role, messageText(m)]),
      [
        ['user', 'Review my change'],
        ['assistant', 'Looks fine to me.'],
        ['user', 'And now?'],
        ['assistant', 'Still fine.'],
      ],
    );

    const fresh = await exchanges.handle(
      chatIntentOf('new', 'Start over'),
      again.choice,
      new RecordingSink(),
      new AbortController().signal,
    );
    assert.notEqual(fresh.choice.threadId, threadId);
    assert.equal(fresh.choice.agentId, reviewer.id);
  });

  it('shows tool calls as progress', async () => {
    await h.agent({ tools: [{ name: 'get_time' }] });
    h.server.script({ kind: 'tool_calls', calls: [{ name: 'get_time', arguments: '{}' }] }, { kind: 'text', text: 'It is late.' });
    const sink = new RecordingSink();
    const result = await exchanges.handle(chatIntentOf(undefined, 'What time is it?'), NEW_SESSION, sink, new AbortController().signal);
    assert.equal(result.status, 'completed');
    assert.deepEqual(sink.progressLines, ['Calling tool get_time…']);
    assert.equal(sink.text, 'It is late.');
  });

  it('cancels the run when the chat cancels, keeping the exchange in the thread', async () => {
    await h.agent();
    h.server.script({ kind: 'stall', text: 'never finished', afterChunks: 1 });
    const sink = new RecordingSink();
    const cancel = new AbortController();
    const started = new Promise<void>((resolve) => {
      const markdown = sink.markdown.bind(sink);
      sink.markdown = (text) => {
        markdown(text);
        resolve();
      };
    });
    const pending = exchanges.handle(chatIntentOf(undefined, 'Tell me everything'), NEW_SESSION, sink, cancel.signal);
    await started;
    cancel.abort();
    const result = await pending;
    assert.equal(result.status, 'cancelled');
    assert.equal(result.error, undefined);
    const run = await h.threads.getRun(result.choice.threadId!, result.runId!);
    assert.equal(run.status, 'cancelled');
  });

  it('reports a run that failed and explains what to do without agents', async () => {
    const none = new RecordingSink();
    const empty = await exchanges.handle(chatIntentOf(undefined, 'hello'), NEW_SESSION, none, new AbortController().signal);
    assert.deepEqual(empty.choice, NEW_SESSION);
    assert.match(none.text, /No agents yet/);

    await h.agent();
    h.server.script({ kind: 'http_error', status: 400, body: { error: { message: 'bad request body', type: 'invalid_request_error' } } });
    const result = await exchanges.handle(chatIntentOf(undefined, 'hello'), NEW_SESSION, new RecordingSink(), new AbortController().signal);
    assert.equal(result.status, 'failed');
    assert.match(result.error ?? '', /bad request body/);
  });
});
