import assert from 'node:assert/strict';
import * as path from 'node:path';
import { ImportError, parseClineTask, parseContinueSession, parseOpenAiExport } from '../../../src/core/history/imports';
import { fixtureJson, IMPORT_FIXTURES, NOW } from './fixtures';

const CLINE_TASK = ['cline', 'tasks', '1764400000000'];

describe('import: Cline tasks', () => {
  async function task() {
    return {
      taskId: '1764400000000',
      folder: path.join(IMPORT_FIXTURES, ...CLINE_TASK),
      apiHistory: await fixtureJson(...CLINE_TASK, 'api_conversation_history.json'),
      uiMessages: await fixtureJson(...CLINE_TASK, 'ui_messages.json'),
    };
  }

  it('reads the API history: the task without its wrappers, tool calls with their results (an error as one), thinking, times', async () => {
    const conversation = parseClineTask(await task(), NOW);
    assert.equal(conversation.format, 'cline');
    assert.equal(conversation.sourceId, '1764400000000');
    assert.equal(conversation.title, 'Add a health check endpoint (Cline fixture)');
    assert.equal(conversation.createdAt, 1_764_400_000);
    // The answer's two calls (the second in its own API turn) are one answer, as the task view showed them.
    const [ask, look, done] = conversation.messages;
    assert.equal(conversation.messages.length, 3);
    assert.deepEqual([ask.role, ask.text, ask.createdAt], ['user', 'Add a health check endpoint (Cline fixture)', 1_764_400_000]);
    assert.equal(look.text, "I'll look at the server first.");
    assert.deepEqual(look.reasoning, ['I need to see how routes are registered.']);
    assert.deepEqual(look.toolCalls?.[0], {
      id: 'toolu_cline_01',
      name: 'read_file',
      arguments: '{"path":"src/server.ts"}',
      output: "app.get('/', home);",
    });
    assert.deepEqual(look.toolCalls?.[1], {
      id: 'toolu_cline_02',
      name: 'write_to_file',
      arguments: JSON.stringify({ path: 'src/health.ts', content: "export const health = () => 'ok';" }),
      output: 'Permission denied',
      failed: true,
    });
    assert.deepEqual([done.role, done.createdAt], ['assistant', 1_764_400_015]);
  });

  it('takes times from the UI messages when the API history has none', async () => {
    const files = await task();
    const withoutTs = (files.apiHistory as Record<string, unknown>[]).map(({ ts: _ts, ...rest }) => rest);
    const conversation = parseClineTask({ ...files, apiHistory: withoutTs }, NOW);
    assert.equal(conversation.messages[1].createdAt, 1_764_400_005); // ui message with conversationHistoryIndex 0
  });

  it('falls back to the UI messages when there is no API history', async () => {
    const files = await task();
    const conversation = parseClineTask({ ...files, apiHistory: undefined }, NOW);
    assert.deepEqual(
      conversation.messages.map((m) => m.role),
      ['user', 'assistant'],
    );
  });

  it('says which folder is not a task and why', () => {
    assert.throws(
      () => parseClineTask({ taskId: 'x', folder: '/t/x', apiHistory: { not: 'a list' } }, NOW),
      (error: unknown) =>
        error instanceof ImportError && error.file === '/t/x' && /api_conversation_history\.json is not a list/.test(error.message),
    );
    assert.throws(
      () => parseClineTask({ taskId: 'x', folder: '/t/x' }, NOW),
      /neither api_conversation_history\.json nor ui_messages\.json/,
    );
  });
});

describe('import: Continue sessions', () => {
  it('reads the history: user text, the assistant with its tool call output and reasoning, the time from sessions.json', async () => {
    const data = await fixtureJson('continue', 'sessions', '9d3f6a10-0000-4000-8000-00000000c001.json');
    const conversation = parseContinueSession(data, 'c001.json', 1_764_575_990);
    assert.equal(conversation.title, 'Explain the retry helper (Continue fixture)');
    assert.equal(conversation.sourceId, '9d3f6a10-0000-4000-8000-00000000c001');
    const [ask, open, answer] = conversation.messages;
    assert.equal(conversation.messages.length, 3);
    assert.deepEqual([ask.role, ask.text, ask.createdAt], ['user', 'What does retry() in src/util.ts do?', 1_764_575_990]);
    assert.deepEqual(open.reasoning, ['The user wants an explanation of retry.']);
    assert.equal(open.createdAt, 1_764_576_000);
    assert.deepEqual(open.toolCalls, [
      {
        id: 'call_continue_01',
        name: 'read_file',
        arguments: '{"filepath":"src/util.ts"}',
        output: 'export async function retry(fn, times = 3) { /* … */ }',
        failed: undefined,
      },
    ]);
    assert.equal(answer.text, 'It calls `fn` up to three times and rethrows the last error.');
  });

  it('says which history item is broken', () => {
    assert.throws(
      () => parseContinueSession({ sessionId: 's', history: [{ nope: 1 }] }, 'bad.json', NOW),
      /bad\.json: history item 1 has no message/,
    );
  });
});

describe('import: OpenAI exports', () => {
  it('reads a conversation with items: messages, the function call with its output, the reasoning summary; no system prompt', async () => {
    const conversation = parseOpenAiExport(await fixtureJson('openai', 'conversation.json'), 'conversation.json', NOW);
    assert.equal(conversation.title, 'Summarise the changelog (OpenAI conversation fixture)');
    assert.equal(conversation.sourceId, 'conv_68f0fixture0001');
    assert.deepEqual(
      conversation.messages.map((m) => [m.role, m.text]),
      [
        ['user', 'Summarise CHANGELOG.md'],
        ['assistant', ''],
        ['assistant', '1.2.0 adds imports.'],
      ],
    );
    assert.deepEqual(conversation.messages[1].reasoning, ['Read the file, then summarise.']);
    assert.deepEqual(conversation.messages[1].toolCalls?.[0].output, '## 1.2.0\n- Imports');
  });

  it('reads an Assistants thread listed newest first, with its run steps, in the order it happened', async () => {
    const conversation = parseOpenAiExport(await fixtureJson('openai', 'thread.json'), 'thread.json', NOW);
    assert.equal(conversation.title, 'Plan the release (OpenAI thread fixture)');
    assert.deepEqual(
      conversation.messages.map((m) => [m.role, m.createdAt, m.toolCalls?.[0]?.name ?? m.text]),
      [
        ['user', 1_764_748_800, 'Plan the release (OpenAI thread fixture)'],
        ['assistant', 1_764_748_830, 'calendar'],
        ['assistant', 1_764_748_860, 'Tag v2.0 on Friday after the freeze.'],
      ],
    );
  });

  it('says which item is broken', () => {
    assert.throws(
      () => parseOpenAiExport({ object: 'conversation', id: 'c', items: [{ role: 'user' }] }, 'c.json', NOW),
      /c\.json: item 1 has no "type"/,
    );
  });
});
