import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { EventLog, type Harness, startHarness } from './helpers';

describe('RunEngine recovery of interrupted runs', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(() => h.close());

  it('fails a run left mid-stream by a previous session with code interrupted, and closes its message', async () => {
    const agent = await h.agent();
    const threadId = await h.thread('hello');
    const finishedThread = await h.thread('other');
    const done = await h.engine.createRun(finishedThread, agent.id);
    await h.log.waitForEnd(done.id);

    h.server.script({ kind: 'stall', text: 'half an answer', afterChunks: 2 });
    const run = await h.engine.createRun(threadId, agent.id);
    await h.log.waitForEvent(run.id, 'thread.message.delta');
    // The window closes: dispose writes nothing more, as when VS Code shuts the extension host down.
    await h.engine.stop();
    assert.equal((await h.threads.getRun(threadId, run.id)).status, 'in_progress');

    const restarted = h.newEngine();
    const log = new EventLog(restarted);
    const recovered = await restarted.recoverInterruptedRuns();
    assert.deepEqual(
      recovered.map((r) => r.id),
      [run.id],
    );
    const stored = await h.threads.getRun(threadId, run.id);
    assert.equal(stored.status, 'failed');
    assert.equal(stored.last_error?.code, 'interrupted');
    assert.match(stored.last_error!.message, /Run the agent again/);
    const [message] = await h.threads.readNewest(threadId, 1);
    assert.equal(message.status, 'incomplete');
    assert.deepEqual(message.incomplete_details, { reason: 'run_failed' });
    assert.ok(log.namesOf(run.id).includes('thread.run.failed'));
    assert.equal((await h.threads.getRun(finishedThread, done.id)).status, 'completed', 'finished runs are untouched');

    // Recovery is done once: a second pass finds nothing, and the thread takes new runs.
    assert.deepEqual(await restarted.recoverInterruptedRuns(), []);
    const next = await restarted.createRun(threadId, agent.id);
    assert.equal((await log.waitForEnd(next.id)).status, 'completed');
  });

  it('keeps the text streamed before a crash: the interrupted answer shows what the user had already seen', async () => {
    await h.close();
    h = await startHarness({ engine: { checkpointMs: 0 } }); // save at every delta, so the test need not wait
    const agent = await h.agent();
    const threadId = await h.thread('tell me something');
    h.server.script({ kind: 'stall', text: 'the first words arrive before the crash', afterChunks: 4 });
    const run = await h.engine.createRun(threadId, agent.id);
    const saved = async () => {
      for (const deadline = Date.now() + 5_000; Date.now() < deadline; await new Promise((resolve) => setImmediate(resolve))) {
        const [message] = await h.threads.readNewest(threadId, 1);
        if (message.role === 'assistant' && JSON.stringify(message.content).includes('the first words arrive')) return message;
      }
      throw new Error('the partial answer was never saved');
    };
    await saved();
    await h.engine.stop(); // the window dies mid-stream

    const restarted = h.newEngine();
    await restarted.recoverInterruptedRuns();
    assert.equal((await h.threads.getRun(threadId, run.id)).last_error?.code, 'interrupted');
    const [message] = await h.threads.readNewest(threadId, 1);
    assert.equal(message.status, 'incomplete');
    assert.deepEqual(
      message.content.map((part) => (part.type === 'text' ? part.text.value : '')),
      ['the first words arrive'],
    );
  });

  it('leaves a run alone while another live window (process) owns it, and recovers it once that process is gone', async () => {
    const agent = await h.agent();
    const threadId = await h.thread('hello');
    h.server.script({ kind: 'stall', text: 'half an answer', afterChunks: 2 });
    const run = await h.engine.createRun(threadId, agent.id);
    await h.log.waitForEvent(run.id, 'thread.message.delta');
    await h.engine.stop();
    const metadata = (await h.threads.get(threadId)).metadata;

    // Another window: our parent process is alive, so its run is not ours to close.
    await h.threads.update(threadId, { metadata: { ...metadata, active_run_owner: `${hostname()}:${process.ppid}` } });
    const other = h.newEngine();
    assert.deepEqual(await other.recoverInterruptedRuns(), []);
    assert.equal((await h.threads.getRun(threadId, run.id)).status, 'in_progress');

    // That window crashed: a process that has exited owns the run, so it is interrupted.
    const dead = spawnSync(process.execPath, ['-e', '0']).pid;
    await h.threads.update(threadId, { metadata: { ...metadata, active_run_owner: `${hostname()}:${dead}` } });
    const recovered = await other.recoverInterruptedRuns();
    assert.deepEqual(
      recovered.map((r) => r.id),
      [run.id],
    );
    assert.equal((await h.threads.getRun(threadId, run.id)).last_error?.code, 'interrupted');
  });
});
