import assert from 'node:assert/strict';
import { ImportError, parseVsCodeChatSession, replayVsCodeSessionLog } from '../../../src/core/history/imports';
import { fixtureJson, fixtureText, NOW } from './fixtures';

const SESSION_V3 = ['vscode-chat', 'chatSessions', '5b0c1d2e-0000-4000-8000-00000000a001.json'];

describe('import: VS Code chat sessions', () => {
  it('reads a version 3 session: title, user and assistant turns, the tool call with its output, thinking, timestamps', async () => {
    const conversation = parseVsCodeChatSession(await fixtureJson(...SESSION_V3), 'a001.json', NOW);
    assert.equal(conversation.format, 'vscode-chat');
    assert.equal(conversation.sourceId, '5b0c1d2e-0000-4000-8000-00000000a001');
    assert.equal(conversation.title, 'Fix the flaky login test (VS Code fixture)');
    assert.equal(conversation.createdAt, 1_764_403_200);
    const [question, call, answer, second, secondAnswer] = conversation.messages;
    assert.deepEqual(
      conversation.messages.map((m) => m.role),
      ['user', 'assistant', 'assistant', 'user', 'assistant'],
    );
    assert.equal(question.text, 'Why does test/login.test.ts fail one run in ten?');
    assert.equal(question.createdAt, 1_764_403_210);
    // Thinking, the words before the call and the call are one answer; the words after the call the next.
    assert.deepEqual(call.reasoning, ['The test waits on a timer instead of the login event.']);
    assert.equal(call.text, 'Let me read the test first.');
    assert.deepEqual(call.toolCalls, [
      {
        id: 'toolu_vscode_01',
        name: 'copilot_readFile',
        arguments: '{"filePath":"test/login.test.ts"}',
        output: 'await sleep(100); expect(loggedIn).toBe(true);',
        failed: undefined,
      },
    ]);
    // Markdown parts of one stream are joined as they were shown, not as separate paragraphs.
    assert.equal(answer.text, 'The test sleeps **100 ms** and hopes the login is done. Wait for the `login` event instead.');
    assert.equal(answer.createdAt, 1_764_403_225);
    assert.match(second.text, /<img src=x onerror/);
    assert.match(secondAnswer.text, /<script>/);
  });

  it('reads a version 1 session (no version field, the message a plain string) and names it after its first line', async () => {
    const data = await fixtureJson('vscode-chat', 'chatSessions', '5b0c1d2e-0000-4000-8000-00000000a003.json');
    const conversation = parseVsCodeChatSession(data, 'a003.json', NOW);
    assert.equal(conversation.title, 'What does git rebase --onto do? (VS Code v1 fixture)');
    assert.deepEqual(
      conversation.messages.map((m) => [m.role, m.text, m.createdAt]),
      [
        ['user', 'What does git rebase --onto do? (VS Code v1 fixture)', 1_735_689_600],
        ['assistant', 'It replays commits onto a new base.', 1_735_689_600],
      ],
    );
  });

  it('takes a version 2 session title from computedTitle', () => {
    const data = {
      version: 2,
      sessionId: 's2',
      creationDate: 1_764_403_200_000,
      lastMessageDate: 1_764_403_200_000,
      computedTitle: 'Old title',
      responderUsername: 'x',
      requests: [{ message: 'hi', response: [{ value: 'hello' }] }],
    };
    assert.equal(parseVsCodeChatSession(data, 's2.json', NOW).title, 'Old title');
  });

  it('replays a .jsonl session log (initial state, pushes, sets) into the session it describes', async () => {
    const data = replayVsCodeSessionLog(
      await fixtureText('vscode-chat', 'chatSessions', '5b0c1d2e-0000-4000-8000-00000000a002.jsonl'),
      'a002.jsonl',
    );
    const conversation = parseVsCodeChatSession(data, 'a002.jsonl', NOW);
    assert.equal(conversation.title, 'Rename the config loader (VS Code log fixture)');
    assert.deepEqual(
      conversation.messages.map((m) => [m.role, m.text, m.createdAt]),
      [
        ['user', 'Rename the config loader (VS Code log fixture)', 1_764_489_610],
        ['assistant', 'Renamed `loadConfig` to `readSettings` in 3 files.', 1_764_489_630],
        ['user', 'And the tests?', 1_764_489_700],
        ['assistant', 'They pass.', 1_764_489_710],
      ],
    );
  });

  it('ignores a torn last line of a log, as VS Code would', () => {
    const log =
      '{"kind":0,"v":{"version":3,"sessionId":"t","creationDate":1764403200000,"responderUsername":"x","requests":[{"message":"one","response":[]}]}}\n{"kind":2,"k":["requests"],"v":[{"mess';
    const conversation = parseVsCodeChatSession(replayVsCodeSessionLog(log, 't.jsonl'), 't.jsonl', NOW);
    assert.deepEqual(
      conversation.messages.map((m) => m.text),
      ['one'],
    );
  });

  it('says which version a session of an unknown version is, and what to do', async () => {
    assert.throws(
      () => parseVsCodeChatSession({ version: 9, sessionId: 's', responderUsername: 'x', requests: [] }, 'future.json', NOW),
      (error: unknown) =>
        error instanceof ImportError &&
        error.file === 'future.json' &&
        /version 9/.test(error.message) &&
        /versions 1, 2, 3/.test(error.message),
    );
  });

  it('refuses a log that reaches for a prototype, and leaves Object.prototype alone', async () => {
    const log = await fixtureText('bad', 'polluting.jsonl');
    assert.throws(() => replayVsCodeSessionLog(log, 'polluting.jsonl'), /polluting\.jsonl: line 2 has a path segment "__proto__"/);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  it('refuses a log whose changes come before its initial state, or that names a path that is not there', () => {
    assert.throws(() => replayVsCodeSessionLog('{"kind":1,"k":["a"],"v":1}\n', 'x.jsonl'), /no initial entry/);
    assert.throws(
      () => replayVsCodeSessionLog('{"kind":0,"v":{}}\n{"kind":1,"k":["a","b","c"],"v":1}\n', 'x.jsonl'),
      /line 2 changes a path that does not exist/,
    );
    assert.throws(() => replayVsCodeSessionLog('\n\n', 'x.jsonl'), /log is empty/);
  });
});
