// One contract for every backend: the same tests run against the local store + run engine and against Foundry (the
// real SDK over HTTP to the fake Foundry service). A backend that passes can sit behind the UI unchanged.

import * as assert from 'node:assert/strict';
import type { Backend } from '../../../src/core/backend';
import type { AgentInput } from '../../../src/core/domain/agent';
import type { RunEvent } from '../../../src/core/domain/events';
import { messageText } from '../../../src/core/domain/message';
import type { Run } from '../../../src/core/domain/run';
import { TERMINAL_RUN_STATUSES } from '../../../src/core/domain/run';
import { UNTITLED_THREAD_TITLE } from '../../../src/core/domain/thread';
import { waitingToolCalls } from '../../../src/core/domain/run';

export interface BackendFixture {
  backend: Backend;
  /** A valid new agent for this backend (its model exists there). */
  agentInput(extra?: Partial<AgentInput>): AgentInput;
  /** The next run's model asks for tool `name` with `args` once, then answers. */
  scriptToolCall(name: string, args: Record<string, unknown>): void;
  /** The next run's answer streams slowly, so a test can cancel it mid-stream. */
  slowNextAnswer(): void;
  close(): Promise<void>;
}

/** Every run event a backend announced, awaitable without sleeping. */
class RunEvents {
  readonly events: RunEvent[] = [];
  private readonly waiters: Array<{ match: (e: RunEvent) => boolean; resolve: (e: RunEvent) => void }> = [];

  constructor(backend: Backend) {
    backend.runs.onEvent((event) => {
      this.events.push(event);
      for (const waiter of [...this.waiters])
        if (waiter.match(event)) {
          this.waiters.splice(this.waiters.indexOf(waiter), 1);
          waiter.resolve(event);
        }
    });
  }

  waitFor(match: (e: RunEvent) => boolean): Promise<RunEvent> {
    const seen = this.events.find(match);
    return seen ? Promise.resolve(seen) : new Promise((resolve) => this.waiters.push({ match, resolve }));
  }

  async end(runId: string): Promise<Run> {
    const event = await this.waitFor(
      (e) =>
        e.event.startsWith('thread.run.') &&
        !e.event.startsWith('thread.run.step') &&
        (e.data as Run).id === runId &&
        TERMINAL_RUN_STATUSES.includes((e.data as Run).status),
    );
    return event.data as Run;
  }

  status(runId: string, status: Run['status']): Promise<RunEvent> {
    return this.waitFor((e) => e.event === `thread.run.${status}` && (e.data as Run).id === runId);
  }
}

const userText = (value: string) => ({ role: 'user' as const, content: [{ type: 'text' as const, text: { value } }] });

export function backendContract(name: string, start: () => Promise<BackendFixture>): void {
  describe(`backend contract: ${name}`, function () {
    this.timeout(20_000);
    let fixture: BackendFixture;
    let backend: Backend;
    let events: RunEvents;

    beforeEach(async () => {
      fixture = await start();
      backend = fixture.backend;
      events = new RunEvents(backend);
    });
    afterEach(async () => fixture.close());

    it('creates, lists, reads, updates and deletes agents, and announces each change', async () => {
      let changes = 0;
      backend.agents.onDidChangeAgents(() => changes++);
      const created = await backend.agents.create(
        fixture.agentInput({ name: 'Reviewer', instructions: 'Review code.', tools: [{ name: 'echo' }], approval_policy: { echo: 'ask' } }),
      );
      assert.equal(created.name, 'Reviewer');
      assert.deepEqual(
        (await backend.agents.list()).map((a) => a.id).filter((id) => id === created.id),
        [created.id],
      );
      const read = await backend.agents.get(created.id);
      assert.equal(read.instructions, 'Review code.');
      assert.deepEqual(read.tools, [{ name: 'echo' }]);
      assert.equal(read.approval_policy.echo, 'ask');
      const updated = await backend.agents.update(created.id, { instructions: 'Review tests too.' });
      assert.equal(updated.instructions, 'Review tests too.');
      assert.equal((await backend.agents.get(created.id)).instructions, 'Review tests too.');
      await backend.agents.delete(created.id);
      await assert.rejects(
        backend.agents.get(created.id),
        (error: Error & { code?: string }) => typeof error.code === 'string' && /not|found|404/i.test(error.message),
      );
      assert.ok(changes >= 3, `expected an event per change, saw ${changes}`);
    });

    it('keeps threads with their title and agent, renames and deletes them', async () => {
      const agent = await backend.agents.create(fixture.agentInput());
      const thread = await backend.threads.create({ agent_id: agent.id, title: 'Planning' });
      assert.equal((await backend.threads.get(thread.id)).title, 'Planning');
      assert.equal((await backend.threads.get(thread.id)).agent_id, agent.id);
      assert.ok((await backend.threads.list()).some((t) => t.id === thread.id));
      await backend.threads.rename(thread.id, 'Release plan');
      assert.equal((await backend.threads.get(thread.id)).title, 'Release plan');
      await backend.threads.delete(thread.id);
      await assert.rejects(backend.threads.get(thread.id));
      assert.ok(!(await backend.threads.list()).some((t) => t.id === thread.id));
    });

    it('appends messages and pages through them with cursors in both orders', async () => {
      const thread = await backend.threads.create({});
      const appended: string[] = [];
      backend.threads.onDidAppendMessage(({ messages }) => appended.push(...messages.map((m) => m.id)));
      const ids: string[] = [];
      for (let i = 1; i <= 5; i++) ids.push((await backend.threads.appendMessage(thread.id, userText(`message ${i}`))).id);
      assert.deepEqual(appended, ids);
      const newest = await backend.threads.listMessages(thread.id, { limit: 2, order: 'desc' });
      assert.deepEqual(newest.data.map(messageText), ['message 5', 'message 4']);
      assert.equal(newest.has_more, true);
      const older = await backend.threads.listMessages(thread.id, { limit: 2, order: 'desc', after: newest.last_id! });
      assert.deepEqual(older.data.map(messageText), ['message 3', 'message 2']);
      const oldest = await backend.threads.listMessages(thread.id, { limit: 2, order: 'desc', after: older.last_id! });
      assert.deepEqual(oldest.data.map(messageText), ['message 1']);
      assert.equal(oldest.has_more, false);
      const ascending = await backend.threads.listMessages(thread.id, { limit: 10, order: 'asc' });
      assert.deepEqual(
        ascending.data.map((m) => m.id),
        ids,
      );
      assert.equal(messageText(await backend.threads.getMessage(thread.id, ids[2])), 'message 3');
    });

    it('runs an agent: streams the answer, appends it, and ends completed with usage', async () => {
      const agent = await backend.agents.create(fixture.agentInput());
      const thread = await backend.threads.create({ agent_id: agent.id });
      await backend.threads.appendMessage(thread.id, userText('hello contract'));
      const run = await backend.runs.createRun(thread.id, agent.id);
      assert.equal(run.thread_id, thread.id);
      assert.equal(backend.runs.activeRun(thread.id)?.id, run.id);
      const ended = await events.end(run.id);
      assert.equal(ended.status, 'completed', JSON.stringify(ended.last_error));
      assert.ok(ended.usage && ended.usage.total_tokens > 0, 'usage is reported');
      assert.ok(
        events.events.some((e) => e.event === 'thread.message.delta'),
        'the answer streamed',
      );
      assert.equal(backend.runs.activeRun(thread.id), undefined);
      const page = await backend.threads.listMessages(thread.id, { limit: 1, order: 'desc' });
      assert.equal(page.data[0].role, 'assistant');
      assert.match(messageText(page.data[0]), /hello contract/);
      assert.ok((await backend.threads.listRuns(thread.id)).some((r) => r.id === run.id && r.status === 'completed'));
      assert.notEqual((await backend.threads.get(thread.id)).title, UNTITLED_THREAD_TITLE, 'the thread is named after its first message');
    });

    it('runs a tool the policy allows and gives its output to the model', async () => {
      const agent = await backend.agents.create(fixture.agentInput({ tools: [{ name: 'echo' }] }));
      const thread = await backend.threads.create({ agent_id: agent.id });
      await backend.threads.appendMessage(thread.id, userText('call echo {"text":"pong-42"}'));
      fixture.scriptToolCall('echo', { text: 'pong-42' });
      const run = await backend.runs.createRun(thread.id, agent.id);
      const ended = await events.end(run.id);
      assert.equal(ended.status, 'completed', JSON.stringify(ended.last_error));
      const steps = await backend.threads.listRunSteps(thread.id, run.id);
      const calls = steps.flatMap((s) => (s.type === 'tool_calls' ? s.step_details.tool_calls : []));
      assert.deepEqual(
        calls.map((c) => [c.function.name, c.function.output]),
        [['echo', 'pong-42']],
      );
    });

    it('waits in requires_action for a tool that asks, and runs it once approved', async () => {
      const agent = await backend.agents.create(fixture.agentInput({ tools: [{ name: 'echo' }], approval_policy: { echo: 'ask' } }));
      const thread = await backend.threads.create({ agent_id: agent.id });
      await backend.threads.appendMessage(thread.id, userText('call echo {"text":"approved-7"}'));
      fixture.scriptToolCall('echo', { text: 'approved-7' });
      const run = await backend.runs.createRun(thread.id, agent.id);
      const waiting = (await events.status(run.id, 'requires_action')).data as Run;
      const call = waitingToolCalls(waiting.required_action)[0];
      assert.equal(call.function.name, 'echo');
      assert.equal(backend.runs.activeRun(thread.id)?.status, 'requires_action');
      await backend.runs.submitToolApprovals(thread.id, run.id, [{ tool_call_id: call.id, approve: true }]);
      const ended = await events.end(run.id);
      assert.equal(ended.status, 'completed', JSON.stringify(ended.last_error));
      const steps = await backend.threads.listRunSteps(thread.id, run.id);
      assert.ok(steps.some((s) => s.type === 'tool_calls' && s.step_details.tool_calls.some((c) => c.function.output === 'approved-7')));
    });

    it('tells the model when the user denies a call, and remembers "always allow" for the thread', async () => {
      const agent = await backend.agents.create(fixture.agentInput({ tools: [{ name: 'echo' }], approval_policy: { echo: 'ask' } }));
      const thread = await backend.threads.create({ agent_id: agent.id });
      await backend.threads.appendMessage(thread.id, userText('call echo {"text":"nope"}'));
      fixture.scriptToolCall('echo', { text: 'nope' });
      const run = await backend.runs.createRun(thread.id, agent.id);
      const waiting = (await events.status(run.id, 'requires_action')).data as Run;
      const call = waitingToolCalls(waiting.required_action)[0];
      await backend.runs.submitToolApprovals(thread.id, run.id, [{ tool_call_id: call.id, approve: false }]);
      assert.equal((await events.end(run.id)).status, 'completed');
      const steps = await backend.threads.listRunSteps(thread.id, run.id);
      const output = steps.flatMap((s) => (s.type === 'tool_calls' ? s.step_details.tool_calls : []))[0]?.function.output ?? '';
      assert.match(output, /denied/);

      await backend.threads.appendMessage(thread.id, userText('call echo {"text":"again"}'));
      fixture.scriptToolCall('echo', { text: 'again' });
      const second = await backend.runs.createRun(thread.id, agent.id);
      const asked = (await events.status(second.id, 'requires_action')).data as Run;
      await backend.runs.submitToolApprovals(thread.id, second.id, [
        { tool_call_id: waitingToolCalls(asked.required_action)[0].id, approve: true, alwaysForThread: true },
      ]);
      assert.equal((await events.end(second.id)).status, 'completed');
      assert.match((await backend.threads.get(thread.id)).metadata.allowed_tools ?? '', /echo/);
    });

    it('cancels a run mid-stream, keeps the thread, and runs again afterwards', async () => {
      const agent = await backend.agents.create(fixture.agentInput());
      const thread = await backend.threads.create({ agent_id: agent.id });
      await backend.threads.appendMessage(thread.id, userText('a long answer please, with many words to stream slowly'));
      fixture.slowNextAnswer();
      const run = await backend.runs.createRun(thread.id, agent.id);
      await events.waitFor((e) => e.event === 'thread.message.delta');
      await backend.runs.cancelRun(thread.id, run.id);
      const ended = await events.end(run.id);
      assert.equal(ended.status, 'cancelled');
      assert.equal(backend.runs.activeRun(thread.id), undefined);
      await backend.threads.appendMessage(thread.id, userText('still there?'));
      const next = await backend.runs.createRun(thread.id, agent.id);
      assert.equal((await events.end(next.id)).status, 'completed');
      const texts = (await backend.threads.listMessages(thread.id, { limit: 10, order: 'asc' })).data.map(messageText);
      assert.equal(texts[0], 'a long answer please, with many words to stream slowly');
      assert.match(texts.at(-1)!, /still there\?/);
    });

    it('refuses a second run on a busy thread and fails clearly for unknown ids', async () => {
      const agent = await backend.agents.create(fixture.agentInput());
      const thread = await backend.threads.create({ agent_id: agent.id });
      await backend.threads.appendMessage(thread.id, userText('busy'));
      fixture.slowNextAnswer();
      const run = await backend.runs.createRun(thread.id, agent.id);
      await assert.rejects(backend.runs.createRun(thread.id, agent.id), /already has (a )?run/i);
      await backend.runs.cancelRun(thread.id, run.id);
      await events.end(run.id);
      await assert.rejects(
        backend.threads.get('thread_doesnotexist000000000'),
        (error: Error & { code?: string }) => typeof error.code === 'string' && error.message.length > 10,
      );
    });
  });
}
