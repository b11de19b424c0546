import { strict as assert } from 'node:assert';
import type { Message, MessageToolCall } from '../../../src/core/domain/message';
import { collectFacts, renderFacts } from '../../../src/core/runs';
import { deniedByPolicyOutput, deniedByUserOutput } from '../../../src/core/runs/toolRound';
import { MISSING_TOOL_OUTPUT } from '../../../src/core/runs/contextBuilder';
import { textMessage } from '../../fixtures/threadExport';

let next = 0;
function message(role: Message['role'], text: string, extra: Partial<Message> = {}): Message {
  const base = textMessage(`msg_${++next}`, 'thread_1', role, text, 1);
  return { ...base, content: text ? base.content : [], assistant_id: role === 'assistant' ? 'asst_1' : null, ...extra };
}

function call(name: string, args: object, output: string | null): MessageToolCall {
  return { id: `call_${++next}`, type: 'function', function: { name, arguments: JSON.stringify(args), output } };
}

describe('the code-built part of a compaction summary', () => {
  it('lists files changed and read, each tool call with its outcome, refusals and errors', () => {
    const facts = collectFacts([
      message('user', 'Fix the greeting'),
      message('assistant', '', {
        tool_calls: [
          call('read_file', { path: 'src/greet.ts' }, 'export const hi = 1;'),
          call('edit_file', { path: 'src/greet.ts', search: 'hi', replace: 'hello' }, 'Edited src/greet.ts.'),
          call('create_file', { path: 'test/greet.test.ts', content: 'x' }, 'Created test/greet.test.ts.'),
        ],
      }),
      message('assistant', '', {
        tool_calls: [
          call('run_command', { command: 'npm test' }, deniedByUserOutput('run_command')),
          call('delete_file', { path: 'README.md' }, deniedByPolicyOutput('delete_file')),
          call('read_file', { path: 'missing.ts' }, 'Error: missing.ts does not exist.'),
          call('get_time', {}, MISSING_TOOL_OUTPUT),
        ],
      }),
      message('assistant', 'Half an answer', { status: 'incomplete', incomplete_details: { reason: 'run_failed' } }),
    ]);
    const text = renderFacts(facts);
    assert.match(text, /^- Files changed: `src\/greet\.ts`, `test\/greet\.test\.ts`$/m);
    // A file read and then changed counts as changed; a read that failed touched nothing.
    assert.match(text, /^- Files read: none$/m);
    assert.match(text, /^- Approvals: run_command `npm test` denied by the user; delete_file `README\.md` refused by policy$/m);
    assert.match(text, /^- Tool calls \(7\):$/m);
    assert.match(text, /^ {2}- edit_file `src\/greet\.ts`: done$/m);
    assert.match(text, /^ {2}- create_file `test\/greet\.test\.ts`: done$/m);
    assert.match(text, /^ {2}- read_file `missing\.ts`: failed$/m);
    assert.match(text, /^ {2}- get_time: not run$/m);
    assert.match(text, /^ {2}- read_file failed: Error: missing\.ts does not exist\.$/m);
    assert.match(text, /cut off because its run failed/);
  });

  it('never forgets finished work: calls beyond the listed ones are still counted per tool', () => {
    const edits = Array.from({ length: 250 }, (_, i) => call('edit_file', { path: `src/file${i}.ts` }, `Edited src/file${i}.ts.`));
    const text = renderFacts(collectFacts([message('assistant', '', { tool_calls: edits })]), { calls: 200, files: 1000, errors: 20 });
    assert.match(text, /^- Tool calls \(250\):$/m);
    assert.match(text, /^ {2}- 50 earlier calls: edit_file ×50$/m);
    assert.match(text, /^ {2}- edit_file `src\/file249\.ts`: done$/m);
    for (let i = 0; i < 250; i++) assert.ok(text.includes(`\`src/file${i}.ts\``), `file ${i} is listed as changed`);
  });

  it('skips earlier summaries, whose facts the messages they cover still carry', () => {
    const summary = message('assistant', 'Earlier: wrote src/a.ts', { metadata: { summary_through: 'msg_x', summary_count: '3' } });
    const facts = collectFacts([summary, message('assistant', '', { tool_calls: [call('echo', { text: 'hi' }, 'hi')] })]);
    assert.equal(facts.toolCalls.length, 1);
  });
});
