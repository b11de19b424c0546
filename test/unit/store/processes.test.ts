import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { type Message, messageText } from '../../../src/core/domain/message';
import { ThreadStore } from '../../../src/core/store/threadStore';
import { makeTempDir, RecordingLogger, removeTempDir, seededRandom } from './helpers';

const APPENDER = join(__dirname, 'fixtures', 'appender.js');

/** Starts an appender child and collects its acknowledged lines ("<id> <label>:<n>"). */
function startAppender(
  root: string,
  threadId: string,
  label: string,
  count: number | 'forever',
): { child: ChildProcess; acks: string[]; firstAck: Promise<void>; stderr: () => string } {
  const child = spawn(process.execPath, [APPENDER, root, threadId, label, String(count)], { stdio: ['ignore', 'pipe', 'pipe'] });
  const acks: string[] = [];
  let buffered = '';
  let errors = '';
  let signalFirst: () => void = () => undefined;
  const firstAck = new Promise<void>((resolve) => (signalFirst = resolve));
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk;
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? ''; // a line without its newline was not fully acknowledged
    acks.push(...lines);
    if (acks.length) signalFirst();
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (errors += chunk));
  child.on('exit', () => signalFirst());
  return { child, acks, firstAck, stderr: () => errors };
}

async function allMessages(store: ThreadStore, threadId: string): Promise<Message[]> {
  const newestFirst: Message[] = [];
  for await (const message of store.messagesNewestFirst(threadId, 100)) newestFirst.push(message);
  return newestFirst.reverse();
}

describe('ThreadStore across processes', () => {
  let root: string;
  beforeEach(async () => {
    root = await makeTempDir();
  });
  afterEach(() => removeTempDir(root));

  it('keeps every acknowledged append, in order, when writers are SIGKILLed at random moments', async function () {
    // Fifty child processes started one after another: a Node start each, which takes several times longer when both
    // cores are busy with other work.
    this.timeout(180_000);
    const threadId = (await new ThreadStore({ root }).create()).id;
    const random = seededRandom(42);
    const acked: string[][] = [];
    for (let round = 0; round < 50; round++) {
      const appender = startAppender(root, threadId, `r${round}`, 'forever');
      await appender.firstAck;
      // Kill somewhere in the middle of the append loop: within the next few appends.
      await new Promise((resolve) => setTimeout(resolve, random() * 15));
      const exited = once(appender.child, 'exit');
      appender.child.kill('SIGKILL');
      await exited;
      assert.equal(appender.stderr(), '', `round ${round} failed on its own`);
      acked.push([...appender.acks]);
    }
    const logger = new RecordingLogger();
    const stored = (await allMessages(new ThreadStore({ root, logger }), threadId)).map((m) => `${m.id} ${messageText(m)}`);
    assert.ok(
      logger.warnings().every((w) => !w.includes('corrupt')),
      logger.warnings().join('\n'),
    );
    let position = 0;
    acked.forEach((acks, round) => {
      assert.deepEqual(stored.slice(position, position + acks.length), acks, `round ${round}: acknowledged appends`);
      position += acks.length;
      // The append in flight when the child died may have landed, whole, right after the acknowledged ones.
      if (stored[position]?.endsWith(` r${round}:${acks.length}`)) position++;
    });
    assert.equal(position, stored.length, `unexpected records: ${stored.slice(position, position + 3).join(', ')}`);
  });

  it('lets two processes append to one thread at once without losing or mixing records', async function () {
    this.timeout(120_000);
    const threadId = (await new ThreadStore({ root }).create()).id;
    const writers = ['a', 'b'].map((label) => startAppender(root, threadId, label, 200));
    const codes = await Promise.all(writers.map(async (w) => (await once(w.child, 'exit'))[0] as number));
    assert.deepEqual(codes, [0, 0], writers.map((w) => w.stderr()).join('\n'));
    const logger = new RecordingLogger();
    const texts = (await allMessages(new ThreadStore({ root, logger }), threadId)).map(messageText);
    assert.deepEqual(logger.warnings(), []);
    assert.equal(texts.length, 400);
    assert.equal(new Set(texts).size, 400);
    for (const label of ['a', 'b']) {
      const mine = texts.filter((t) => t.startsWith(`${label}:`));
      assert.deepEqual(
        mine,
        Array.from({ length: 200 }, (_, i) => `${label}:${i}`),
      );
    }
  });
});
